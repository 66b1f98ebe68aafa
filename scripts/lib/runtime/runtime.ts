import { abortableSleep } from "../abortable_sleep.ts";
import { Backoff, ENGINE_RECONNECT } from "../backoff.ts";
import { ContainerDirectory } from "../engine/container_directory.ts";
import type { Config } from "../config/schema.ts";
import type { Engine, EngineInfo } from "../engine/engine.ts";
import type { EngineReachability } from "../engine/engine_reachability.ts";
import { EventHub, type EventSubscriber } from "../engine/event_hub.ts";
import type { Journal } from "../journal/journal.ts";
import type { Logger } from "../log/logger.ts";
import type { StateStore } from "../state/state_store.ts";
import type { ActiveFault, FaultKind, Faults } from "./faults.ts";

/** However quiet the engine's events, the directory of containers is read afresh this often. */
const DIRECTORY_MAX_AGE_MS = 60_000;
/** How often writes that failed are tried again. */
const RETRY_WRITES_MS = 5_000;

/** What `/healthz` says: alive always; ready once healing follows the engine; why degraded. */
export interface HealthReport {
  status: "ok" | "degraded" | "starting";
  /** Engine events are followed and the first full pass is done: healing works. */
  ready: boolean;
  faults: { kind: FaultKind; message: string; since: string; count: number }[];
  engine: { reachable: boolean; address: string; error?: string };
  uptimeSeconds: number;
}

/** The parts of the daemon the runtime owns or watches. */
export interface RuntimeParts {
  config: Config;
  engine: Engine;
  journal: Journal;
  store: StateStore;
  faults: Faults;
}

/** Options for {@linkcode Runtime}. */
export interface RuntimeOptions {
  context: RuntimeParts;
  log: Logger;
  /** Whether readiness waits for a first full heal pass (the heal loop runs). */
  awaitsFirstPass?: boolean;
  now?: () => number;
}

/**
 * The one owner of what the daemon's loops share: the engine's event stream (one subscription,
 * fanned out), the container directory it keeps current, whether the engine answers (told once,
 * from every loop's reports), the faults in force, the retrying of failed writes, and readiness.
 * The loops read from it and hand their plans to the executor.
 */
export class Runtime {
  readonly directory: ContainerDirectory;
  /** Where every loop reports whether the engine answered; an outage is told once. */
  readonly engineHealth: EngineReachability;
  readonly #options: RuntimeOptions;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #hub: EventHub;
  #firstPassDone: boolean;
  #toldReady = false;

  constructor(options: RuntimeOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#firstPassDone = !options.awaitsFirstPass;
    this.engineHealth = engineReachability(options.context.faults);
    const { config, engine } = options.context;
    this.directory = new ContainerDirectory(engine, {
      concurrency: config.docker.concurrency,
      maxAgeMs: DIRECTORY_MAX_AGE_MS,
    });
    this.#hub = new EventHub([
      this.directory,
      {
        actions: [],
        onEvent: () => {},
        onConnected: () => {
          this.engineHealth.reachable();
          this.#tellReady();
        },
        onLost: (error) => {
          if (error !== undefined) this.engineHealth.unreachable(error);
        },
      },
    ]);
  }

  /** Tells `subscriber` the engine's events too; only before {@linkcode Runtime.run}. */
  subscribe(subscriber: EventSubscriber): void {
    this.#hub.add(subscriber);
  }

  /** The first full heal pass is done: with events followed, the daemon is ready. */
  firstPassDone(): void {
    this.#firstPassDone = true;
    this.#tellReady();
  }

  /** Says once, the first time, that healing follows the engine. */
  #tellReady(): void {
    if (this.#toldReady || !this.ready) return;
    this.#toldReady = true;
    this.#options.log.log("info", "breakwater ready: following the engine's events");
  }

  /** Whether healing works: engine events followed and the first pass done. */
  get ready(): boolean {
    return this.#hub.following && this.#firstPassDone;
  }

  /**
   * Waits until the engine answers, retrying with backoff (0.5 s doubling to 30 s) and saying so
   * once; `null` when `signal` aborts first.
   */
  async waitForEngine(signal: AbortSignal): Promise<EngineInfo | null> {
    const { engine } = this.#options.context;
    const backoff = new Backoff(ENGINE_RECONNECT);
    while (!signal.aborted) {
      try {
        const info = await engine.info();
        this.engineHealth.reachable();
        return info;
      } catch (error) {
        if (!this.#options.context.faults.has("engine")) {
          this.#options.log.log(
            "warn",
            `waiting for the Docker engine: ${(error as Error).message}`,
          );
        }
        this.engineHealth.unreachable(error);
      }
      await backoff.wait(signal);
    }
    return null;
  }

  /** Follows the engine's events and retries failed writes until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([
      this.#hub.run(this.#options.context.engine, signal),
      this.#retryWrites(signal),
    ]);
  }

  /** Writes the state and journal entries that wait in memory after a failed write. */
  async flush(): Promise<void> {
    const { store, journal } = this.#options.context;
    await Promise.all([store.flush(), journal.flush()]);
  }

  /** What `/healthz` answers. */
  health(): HealthReport {
    const { faults, engine } = this.#options.context;
    const active = faults.active();
    const engineFault = active.find((fault) => fault.kind === "engine");
    const ready = this.ready;
    const reasons = active.map(describeFault);
    // Once ready, anything short of ready is an outage, never "starting" again.
    if (!ready && this.#toldReady && !engineFault) {
      reasons.push({
        kind: "engine",
        message: "not following the engine's events: reconnecting",
        since: new Date(this.#now()).toISOString(),
        count: 1,
      });
    }
    return {
      status: ready && reasons.length === 0
        ? "ok"
        : !ready && !this.#toldReady
        ? "starting"
        : "degraded",
      ready,
      faults: reasons,
      engine: {
        reachable: engineFault === undefined,
        address: engine.endpoint.address,
        ...(engineFault ? { error: engineFault.message } : {}),
      },
      uptimeSeconds: Math.round((this.#now() - this.#startedAt) / 1_000),
    };
  }

  async #retryWrites(signal: AbortSignal): Promise<void> {
    const { faults } = this.#options.context;
    while (!signal.aborted) {
      await abortableSleep(RETRY_WRITES_MS, signal);
      if (faults.has("state") || faults.has("journal")) await this.flush();
    }
  }
}

/**
 * Reports of whether the engine answered, kept as the `engine` fault: raised on the first
 * failure (and told once), cleared by the next answer.
 */
export function engineReachability(faults: Faults): EngineReachability {
  return {
    reachable: () => faults.clear("engine"),
    unreachable: (error) => faults.raise("engine", (error as Error)?.message ?? String(error)),
  };
}

function describeFault(fault: ActiveFault) {
  return {
    kind: fault.kind,
    message: fault.message,
    since: new Date(fault.since).toISOString(),
    count: fault.count,
  };
}
