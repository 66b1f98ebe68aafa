import type { Engine } from "./engine.ts";
import type { EngineEvent } from "./engine_event.ts";
import { followEvents } from "./follow_events.ts";

/** A part of the daemon that is told the engine's events. */
export interface EventSubscriber {
  /** The container actions it wants (`health_status` matches every `health_status: …`). */
  actions: readonly string[];
  onEvent(event: EngineEvent): void;
  /** The stream (re)connected: events from here on arrive; what came before is the caller's. */
  onConnected?(): void;
  /** The stream dropped; a reconnect follows. */
  onLost?(error?: unknown): void;
}

/**
 * One subscription to the engine's container events for the whole daemon, fanned out to its
 * subscribers, each getting only the actions it asked for. Reconnects with backoff.
 */
export class EventHub {
  readonly #subscribers: EventSubscriber[];
  #following = false;

  constructor(subscribers: EventSubscriber[]) {
    this.#subscribers = [...subscribers];
  }

  /** Adds a subscriber; only before {@linkcode EventHub.run}, which asks for its actions. */
  add(subscriber: EventSubscriber): void {
    this.#subscribers.push(subscriber);
  }

  /** Whether the engine's events are followed right now. */
  get following(): boolean {
    return this.#following;
  }

  /** Follows the events until `signal` aborts. */
  run(engine: Pick<Engine, "events">, signal: AbortSignal): Promise<void> {
    const actions = [...new Set(this.#subscribers.flatMap((subscriber) => subscriber.actions))];
    return followEvents({
      engine,
      actions,
      signal,
      onEvent: (event) => {
        for (const subscriber of this.#subscribers) {
          if (wants(subscriber, event.action)) subscriber.onEvent(event);
        }
      },
      onConnected: () => {
        this.#following = true;
        for (const subscriber of this.#subscribers) subscriber.onConnected?.();
      },
      onLost: (error) => {
        this.#following = false;
        for (const subscriber of this.#subscribers) subscriber.onLost?.(error);
      },
    });
  }
}

function wants(subscriber: EventSubscriber, action: string): boolean {
  const base = action.split(":")[0];
  return subscriber.actions.some((wanted) => wanted === action || wanted === base);
}
