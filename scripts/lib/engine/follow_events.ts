import { Backoff, ENGINE_RECONNECT } from "../backoff.ts";
import type { Engine } from "./engine.ts";
import type { EngineEvent } from "./engine_event.ts";

/** Options for {@linkcode followEvents}. */
export interface FollowEventsOptions {
  engine: Pick<Engine, "events">;
  /** The container actions to receive (see `EventOptions.actions`). */
  actions: readonly string[];
  signal: AbortSignal;
  onEvent: (event: EngineEvent) => void;
  /** The engine accepted the subscription: events from here on arrive. */
  onConnected?: () => void;
  /** The stream ended (`error` undefined) or could not be opened or read; a retry follows. */
  onLost?: (error?: unknown) => void;
}

/**
 * Follows the engine's container events until `signal` aborts, subscribing again after the stream
 * drops, with backoff (0.5 s doubling to 30 s, reset once connected). Events missed in between
 * are not replayed: `onConnected` is where a caller catches up.
 */
export async function followEvents(options: FollowEventsOptions): Promise<void> {
  const { engine, actions, signal, onEvent, onConnected, onLost } = options;
  const backoff = new Backoff(ENGINE_RECONNECT);
  while (!signal.aborted) {
    try {
      const events = engine.events({
        actions,
        signal,
        onConnected: () => {
          backoff.reset();
          onConnected?.();
        },
      });
      for await (const event of events) onEvent(event);
      if (!signal.aborted) onLost?.();
    } catch (error) {
      onLost?.(error);
    }
    if (signal.aborted) break;
    await backoff.wait(signal);
  }
}
