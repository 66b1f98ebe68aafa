import { abortableSleep } from "../abortable_sleep.ts";
import type { Config } from "../config/schema.ts";
import type { ContainerListing } from "../engine/engine.ts";
import type { EngineReachability } from "../engine/engine_reachability.ts";
import type {
  Commit,
  ContainerAction,
  Intent,
  JournalNote,
  ModelUnload,
  Outcome,
} from "../executor/executor.ts";
import { ActionInFlightError } from "../executor/executor.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import type { Logger } from "../log/logger.ts";
import { stopTimeoutFor } from "../selection/container_roles.ts";
import type { PersistedState } from "../state/persisted_state.ts";
import type { GpuReader } from "./gpu_reading.ts";
import { type GpuObservation, observeGpu } from "./observe_gpu.ts";
import type { OllamaClient } from "../ollama/ollama_client.ts";
import {
  type GpuAction,
  type GpuNote,
  planPressure,
  type PressurePlan,
} from "./pressure_policy.ts";
import {
  dropPendingHeld,
  recordHeld,
  type ReleasedHold,
  releaseResumed,
  settleHolds,
} from "./holds.ts";
import type { EventSubscriber } from "../engine/event_hub.ts";

/** What the watchdog asks of the executor, which alone acts and writes the state. */
export interface WatchdogExecutor {
  execute(action: ContainerAction, commit?: Commit, intent?: Intent): Promise<Outcome>;
  unloadModel(unload: ModelUnload, commit?: Commit): Promise<Outcome>;
  note(note: JournalNote, commit?: Commit): Promise<Outcome>;
  observe<T>(change: (state: PersistedState) => { state: PersistedState; result: T }): Promise<T>;
}

/** Options for {@linkcode GpuWatchdog}. */
export interface GpuWatchdogOptions {
  reader: GpuReader;
  /** Where the containers come from each tick. */
  listContainers: () => Promise<ContainerListing[]>;
  executor: WatchdogExecutor;
  config: Config;
  log: Logger;
  engineHealth: EngineReachability;
  /** `null` when the ladder has no Ollama rung. */
  ollama: Pick<OllamaClient, "loadedModels"> | null;
  /** Told of every tick's outcome (metrics). */
  onTick?: (result: GpuTickResult) => void;
  now?: () => number;
}

/** What one tick saw, decided and did. */
export interface GpuTickResult {
  observation: GpuObservation;
  plan: PressurePlan;
  entries: JournalEntry[];
}

/**
 * The GPU watchdog loop: reads the GPU (and the containers, their VRAM and Ollama's models), asks
 * {@linkcode planPressure} what to do, records the new state, then has the executor act.
 */
export class GpuWatchdog {
  readonly #options: GpuWatchdogOptions;
  readonly #now: () => number;
  #latest: GpuTickResult | null = null;

  constructor(options: GpuWatchdogOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The last tick's outcome, or `null` before the first. */
  get latest(): GpuTickResult | null {
    return this.#latest;
  }

  /** The source readings come from. */
  get source(): string {
    return this.#options.reader.source;
  }

  /** Poll interval: the configured one, else 2 s with NVML and 5 s with the others. */
  get pollInterval(): number {
    return this.#options.config.gpu.pollInterval ??
      (this.#options.reader.source === "nvml" ? 2_000 : 5_000);
  }

  /** One reading, decision and round of actions. Throws only when the engine cannot be read. */
  async tick(): Promise<GpuTickResult> {
    const { config, executor, reader, listContainers, ollama } = this.#options;
    const observation = await observeGpu({ reader, listContainers, ollama, now: this.#now });
    const now = this.#now();
    const { plan, released } = await executor.observe((state) => {
      const { state: gpu, released } = settleHolds(state.gpu, observation.containers);
      const plan = planPressure({ ...observation, state: gpu, config, now });
      return { state: { ...state, gpu: plan.state }, result: { plan, released } };
    });
    const details = {
      readings: plan.summary,
      pressure: plan.pressure,
      highStreak: plan.state.highStreak,
      lowStreak: plan.state.lowStreak,
      source: observation.sample.source,
    };
    const labelsOf = new Map(observation.containers.map((container) => [container.id, container]));
    const entries = [
      ...await Promise.all(released.map((hold) => this.#releasedNote(hold))),
      ...await Promise.all(plan.notes.map((note) => this.#note(note, details))),
      ...(await Promise.all(
        plan.actions.map((action) => this.#carryOut(action, details, labelsOf)),
      )).filter((entry) => entry !== null),
    ];
    this.#latest = { observation, plan, entries };
    this.#options.onTick?.(this.#latest);
    return this.#latest;
  }

  /** Ticks every poll interval until `signal` aborts; engine outages are reported, not fatal. */
  async run(signal: AbortSignal): Promise<void> {
    const { engineHealth } = this.#options;
    while (!signal.aborted) {
      const started = this.#now();
      try {
        await this.tick();
        engineHealth.reachable();
      } catch (error) {
        engineHealth.unreachable(error);
      }
      await abortableSleep(Math.max(0, this.pollInterval - (this.#now() - started)), signal);
    }
  }

  async #note(note: GpuNote, details: Record<string, unknown>): Promise<JournalEntry> {
    return (await this.#options.executor.note({
      action: `gpu-${note.kind}`,
      container: null,
      reason: note.reason,
      actor: "policy",
      result: "noted",
      details,
    })).entry;
  }

  /**
   * Told by the engine's events: a container was unpaused or started. Breakwater drops its own
   * holds before it resumes anything, so a hold still there was resumed by someone else, and a
   * later pause of it is theirs — even one made before the next reading.
   */
  get resumeEvents(): EventSubscriber {
    return {
      actions: ["unpause", "start"],
      onEvent: (event) => {
        this.#options.executor.observe((state) => {
          const { state: gpu, released } = releaseResumed(state.gpu, event.id);
          return { state: { ...state, gpu }, result: released };
        }).then((released) => Promise.all(released.map((hold) => this.#releasedNote(hold))))
          .catch((error) =>
            this.#options.log.log("warn", `GPU watchdog: cannot release a hold: ${error}`)
          );
      },
    };
  }

  /** A hold let go, journaled with why: breakwater never claims what it cannot prove. */
  async #releasedNote({ kind, held, why }: ReleasedHold): Promise<JournalEntry> {
    const state = kind === "pause" ? "paused" : "stopped";
    const interrupted = why !== "resumed";
    const reason = {
      unproven: `breakwater stopped while this ${kind} was under way; found ${state}, but by ` +
        `breakwater or by a person cannot be told, so breakwater claims nothing and will not undo it`,
      "not-done": `breakwater stopped while this ${kind} was under way; found not ${state}, so ` +
        "nothing is held",
      resumed: `${kind === "pause" ? "unpaused" : "started"} by someone else; breakwater no ` +
        "longer holds it, and will not undo a later pause or stop",
    }[why];
    return (await this.#options.executor.note({
      action: interrupted ? kind : "release",
      container: { name: held.name, id: held.id },
      reason,
      actor: "policy",
      result: why === "not-done" ? "failed" : "noted",
      details: interrupted
        ? { interrupted: true, requestedAt: new Date(held.at).toISOString() }
        : { heldSince: new Date(held.at).toISOString() },
    })).entry;
  }

  async #carryOut(
    action: GpuAction,
    details: Record<string, unknown>,
    containers: Map<string, ContainerListing>,
  ): Promise<JournalEntry | null> {
    const { executor, config } = this.#options;
    const rung = "rung" in action ? { rung: action.rung } : {};
    if (action.kind === "unload-model") {
      return (await executor.unloadModel({
        model: action.model,
        reason: action.reason,
        actor: "policy",
        details: { ...details, ...rung, sizeVramBytes: action.sizeVramBytes },
      })).entry;
    }
    const kind = action.kind;
    try {
      return (await executor.execute(
        {
          kind,
          container: action.container,
          reason: action.reason,
          actor: "policy",
          stopTimeoutMs: stopTimeoutFor(
            containers.get(action.container.id) ?? { name: action.container.name, labels: {} },
            config.heal.stopTimeout,
          ),
          details: { ...details, ...rung },
        },
        ...(kind === "pause" || kind === "stop"
          ? holdWhileUnderWay(kind, action.container, this.#now())
          : []),
      ))
        .entry;
    } catch (error) {
      if (error instanceof ActionInFlightError) {
        this.#options.log.log("info", `GPU watchdog: ${error.message}; not acting on it now`);
        return null;
      }
      throw error;
    }
  }
}

/**
 * What breakwater pauses or stops is held as pending before the engine is asked, and held for
 * good (to be resumed later) only once the engine did it; a refused action is forgotten.
 */
function holdWhileUnderWay(
  kind: "pause" | "stop",
  container: { name: string; id: string },
  at: number,
): [Commit, Intent] {
  const commit: Commit = (state, entry) => ({
    ...state,
    gpu: entry.result === "ok" || entry.result === "dry-run"
      ? recordHeld(state.gpu, kind, container, Date.parse(entry.time))
      : dropPendingHeld(state.gpu, kind, container.id),
  });
  const intent: Intent = (state) => ({
    ...state,
    gpu: recordHeld(state.gpu, kind, container, at, { pending: true }),
  });
  return [commit, intent];
}
