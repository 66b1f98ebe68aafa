import { type ContainerSnapshot, toListing } from "./container_snapshot.ts";
import type { ContainerListing, Engine } from "./engine.ts";
import type { EngineEvent } from "./engine_event.ts";
import type { EventSubscriber } from "./event_hub.ts";
import { ContainerNotFoundError } from "./errors.ts";

/** Every container action after which an inspect answer may be out of date. */
const DIRECTORY_EVENTS = [
  "create",
  "destroy",
  "rename",
  "start",
  "die",
  "pause",
  "unpause",
  "update",
  "health_status",
] as const;
/** Actions that change which containers exist or what they are called. */
const MEMBERSHIP_ACTIONS = new Set(["create", "destroy", "rename"]);

/** Options for {@linkcode ContainerDirectory}. */
export interface ContainerDirectoryOptions {
  /** Inspect calls in flight during a full read. */
  concurrency: number;
  /** A full read at least this often, events or not. */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * Every container's inspect answer, kept current by the engine's events: a full read when it is
 * older than `maxAgeMs` or containers came or went, one inspect per container an event named,
 * and nothing at all while nothing changes. While it is not told the events (before
 * {@linkcode ContainerDirectory.onConnected}, or after `onLost`), every read is a full read.
 *
 * `lastProbeStartedAt` can lag here (a healthcheck that does not change the health raises no event);
 * what needs it exact inspects the container itself.
 */
export class ContainerDirectory implements EventSubscriber {
  /** The events after which an inspect answer may be out of date. */
  readonly actions = DIRECTORY_EVENTS;
  readonly #engine: Engine;
  readonly #options: ContainerDirectoryOptions;
  readonly #now: () => number;
  #snapshots = new Map<string, ContainerSnapshot>();
  readonly #changed = new Set<string>();
  #readAll = true;
  #readAt = 0;
  #following = false;
  #reading: Promise<ContainerSnapshot[]> | null = null;

  constructor(engine: Engine, options: ContainerDirectoryOptions) {
    this.#engine = engine;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Every container, read from the engine only as far as events say it changed. Concurrent calls
   * share one read. Throws when the engine cannot be read.
   */
  snapshots(): Promise<ContainerSnapshot[]> {
    this.#reading ??= this.#read().finally(() => this.#reading = null);
    return this.#reading;
  }

  /** Every container as the engine's list shows it, from {@linkcode snapshots}. */
  async listing(): Promise<ContainerListing[]> {
    return (await this.snapshots()).map(toListing);
  }

  /** The event stream (re)connected: what changed before it is unknown. */
  onConnected(): void {
    this.#following = true;
    this.#readAll = true;
  }

  /** The event stream dropped: every read is a full read until it is back. */
  onLost(): void {
    this.#following = false;
  }

  /** An engine event: what it names is read again on the next read. */
  onEvent(event: EngineEvent): void {
    const action = event.action.split(":")[0];
    if (MEMBERSHIP_ACTIONS.has(action)) this.#readAll = true;
    else this.#changed.add(event.id);
  }

  async #read(): Promise<ContainerSnapshot[]> {
    const startedAt = this.#now();
    const stale = startedAt - this.#readAt >= this.#options.maxAgeMs;
    if (!this.#following || this.#readAll || stale) {
      // Cleared before reading, so that an event arriving meanwhile asks for another read.
      this.#readAll = false;
      this.#changed.clear();
      try {
        const snapshots = await this.#engine.snapshots(this.#options.concurrency);
        this.#snapshots = new Map(snapshots.map((snapshot) => [snapshot.id, snapshot]));
        this.#readAt = startedAt;
      } catch (error) {
        this.#readAll = true;
        throw error;
      }
    } else if (this.#changed.size > 0) {
      const ids = [...this.#changed];
      this.#changed.clear();
      await Promise.all(ids.map((id) => this.#reinspect(id)));
    }
    return [...this.#snapshots.values()];
  }

  async #reinspect(id: string): Promise<void> {
    try {
      this.#snapshots.set(id, await this.#engine.inspect(id));
    } catch (error) {
      if (error instanceof ContainerNotFoundError) {
        this.#snapshots.delete(id);
        return;
      }
      this.#changed.add(id);
      throw error;
    }
  }
}
