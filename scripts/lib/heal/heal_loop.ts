import type { Config } from "../config/schema.ts";
import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import type { EngineEvent } from "../engine/engine_event.ts";
import type { EngineReachability } from "../engine/engine_reachability.ts";
import { ContainerNotFoundError } from "../engine/errors.ts";
import type { Commit, ContainerAction, JournalNote, Outcome } from "../executor/executor.ts";
import { ActionInFlightError } from "../executor/executor.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import type { Logger } from "../log/logger.ts";
import type { PersistedState } from "../state/persisted_state.ts";
import {
  type HealDecision,
  observeHealEvent,
  planHeal,
  pruneHealState,
  recordRestart,
} from "./heal_policy.ts";
import type { HealState } from "./heal_state.ts";

/** The engine reads the heal loop makes. */
export interface HealEngine {
  inspect(idOrName: string): Promise<ContainerSnapshot>;
  snapshots(concurrency: number): Promise<ContainerSnapshot[]>;
}

/** What the heal loop asks of the executor, which alone acts and writes the state. */
export interface HealExecutor {
  readonly dryRun: boolean;
  execute(action: ContainerAction, commit?: Commit): Promise<Outcome>;
  note(note: JournalNote, commit?: Commit): Promise<Outcome>;
  /** Applies a state change that records an observation, not an action. */
  observe<T>(change: (state: PersistedState) => { state: PersistedState; result: T }): Promise<T>;
  touchedSince(containerId: string, time: number): boolean;
}

/** Options for {@linkcode HealLoop}. */
export interface HealLoopOptions {
  engine: HealEngine;
  executor: HealExecutor;
  /** The state as of now (read only; changes go through the executor). */
  state: () => PersistedState;
  config: Config;
  log: Logger;
  engineHealth: EngineReachability;
  now?: () => number;
  /** Timers, so that tests can run on a fake clock. */
  setTimeout?: (callback: () => void, ms: number) => Timer;
  clearTimeout?: (id: Timer) => void;
}

/** A timer's handle. */
export type Timer = ReturnType<typeof setTimeout>;

/** What one pass looked at and did. */
export interface HealPassResult {
  containers: number;
  entries: JournalEntry[];
}

/** The engine events the heal loop acts on: a health change, and an unpause (stale health). */
export const HEAL_EVENTS = ["health_status", "unpause"] as const;

/**
 * The heal loop: reads containers, asks {@linkcode planHeal} what to do, and hands the plan to
 * the executor; a restart is counted once it happened. Driven by the engine's events (handed to
 * {@linkcode HealLoop.onEvent}), by a full pass whenever the event stream (re)connects and on an
 * interval, by probes that go down, and by a timer for containers waiting out their backoff.
 */
export class HealLoop {
  readonly #options: HealLoopOptions;
  readonly #now: () => number;
  readonly #setTimeout: (callback: () => void, ms: number) => Timer;
  readonly #clearTimeout: (id: Timer) => void;
  readonly #timers = new Map<string, Timer>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #probesDown = new Map<string, string>();
  #stopped = false;

  constructor(options: HealLoopOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#setTimeout = options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
    this.#clearTimeout = options.clearTimeout ?? ((id) => clearTimeout(id));
  }

  /**
   * One pass over every container. Throws when the engine cannot be read. `onPlanned` is told
   * once every container is read and the plan made, before its actions end.
   */
  async reconcile(onPlanned?: () => void): Promise<HealPassResult> {
    const { engine, config } = this.#options;
    const readAt = this.#now();
    const snapshots = await engine.snapshots(config.docker.concurrency);
    this.#options.engineHealth.reachable();
    const present = new Set(snapshots.map((snapshot) => snapshot.name));
    const entries = await this.#planAndAct(
      snapshots,
      readAt,
      { trigger: "reconcile" },
      (heal) => pruneHealState(heal, present, config.heal, this.#now()),
      onPlanned,
    );
    return { containers: snapshots.length, entries };
  }

  /** Reconciles on the configured interval until `signal` aborts, then waits for work under way. */
  async run(signal: AbortSignal): Promise<void> {
    const interval = setInterval(
      () => this.#track(this.#safeReconcile()),
      this.#options.config.heal.reconcileInterval,
    );
    try {
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
      });
    } finally {
      clearInterval(interval);
      await this.drain();
    }
  }

  /** Stops the backoff timers and waits for the work under way. */
  async drain(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers.values()) this.#clearTimeout(timer);
    this.#timers.clear();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * The event stream (re)connected: what happened meanwhile is caught up by a full pass.
   * Resolves whether the pass read every container, as soon as its plan is made: its restarts
   * go on (and are waited for on shutdown), but healing already follows the engine.
   */
  onConnected(): Promise<boolean> {
    return new Promise((resolve) => {
      this.#track(this.#safeReconcile(() => resolve(true)).then(resolve));
    });
  }

  /** An engine event; resolves once it is handled. */
  onEvent(event: EngineEvent): Promise<void> {
    return this.#track(this.#handle(event));
  }

  /** A probe of `container` went down (`probe` names it): the container is unhealthy. */
  onProbeDown(container: string, probe: string, details: Record<string, unknown>): Promise<void> {
    this.#probesDown.set(container, probe);
    return this.#track(this.#healOne(container, { trigger: "probe", probe, ...details }));
  }

  /** The probe of `container` answers again. */
  onProbeUp(container: string): void {
    this.#probesDown.delete(container);
  }

  async #handle(event: EngineEvent): Promise<void> {
    if (event.type !== "container") return;
    if (event.action === "unpause") {
      await this.#options.executor.observe((state) => {
        const heal = observeHealEvent(state.heal, event);
        return { state: heal === state.heal ? state : { ...state, heal }, result: undefined };
      });
    }
    if (event.action.startsWith("health_status")) {
      await this.#healOne(event.id, {
        trigger: "event",
        event: event.action,
        eventTime: event.time,
      });
    }
  }

  async #healOne(idOrName: string, details: Record<string, unknown>): Promise<void> {
    if (this.#stopped) return;
    const readAt = this.#now();
    let snapshot: ContainerSnapshot;
    try {
      snapshot = await this.#options.engine.inspect(idOrName);
    } catch (error) {
      if (error instanceof ContainerNotFoundError) return;
      this.#options.log.log("warn", `could not check ${idOrName}: ${(error as Error).message}`);
      return;
    }
    await this.#planAndAct([snapshot], readAt, details);
  }

  async #safeReconcile(onPlanned?: () => void): Promise<boolean> {
    if (this.#stopped) return false;
    try {
      await this.reconcile(onPlanned);
      return true;
    } catch (error) {
      this.#options.engineHealth.unreachable(error);
      return false;
    }
  }

  /**
   * Plans from snapshots read at `readAt`. A container that had an action under way or ended
   * since then is left out: what was read of it is stale, and the action's own outcome or the
   * next event says what comes next. That is what keeps one problem from two restarts.
   */
  async #planAndAct(
    read: ContainerSnapshot[],
    readAt: number,
    details: Record<string, unknown>,
    tidy: (heal: HealState) => HealState = (heal) => heal,
    onPlanned?: () => void,
  ): Promise<JournalEntry[]> {
    const { executor, config } = this.#options;
    const snapshots = read.filter((snapshot) => !executor.touchedSince(snapshot.id, readAt));
    const now = this.#now();
    const plan = await executor.observe((state) => {
      const plan = planHeal({
        snapshots,
        state: state.heal,
        config,
        now,
        probesDown: this.#probesDown,
      });
      return { state: { ...state, heal: tidy(plan.state) }, result: plan };
    });
    if (plan.wakeAt !== null) this.#scheduleWake(snapshots, plan.wakeAt);
    const acting = Promise.all(
      plan.decisions.map((decision) => this.#carryOut(decision, details)),
    );
    onPlanned?.();
    const entries = await acting;
    return entries.filter((entry) => entry !== null);
  }

  async #carryOut(
    decision: HealDecision,
    details: Record<string, unknown>,
  ): Promise<JournalEntry | null> {
    const { executor, config } = this.#options;
    const { container } = decision;
    const target = { name: container.name, id: container.id };
    const readings = { ...details, health: container.health, state: container.state };
    switch (decision.kind) {
      case "restart":
        try {
          const { entry } = await executor.execute({
            kind: "restart",
            container: target,
            reason: decision.reason,
            actor: "policy",
            stopTimeoutMs: decision.stopTimeoutMs,
            details: { ...readings, attempt: decision.attempt },
          }, countRestart);
          return entry;
        } catch (error) {
          if (error instanceof ActionInFlightError) return null; // its outcome decides
          throw error;
        }
      case "skip":
        return (await executor.note({
          action: "restart",
          container: target,
          reason: decision.reason,
          actor: "policy",
          result: "skipped",
          details: {
            ...readings,
            skip: decision.code,
            ...(decision.retryAt ? { retryAt: new Date(decision.retryAt).toISOString() } : {}),
          },
        })).entry;
      case "give-up":
        return (await executor.note({
          action: "give-up",
          container: target,
          reason: decision.reason,
          actor: "policy",
          result: executor.dryRun ? "dry-run" : "ok",
          details: { ...readings, maxRestarts: config.heal.giveUp.maxRestarts },
        })).entry;
    }
  }

  /** Looks at the containers in backoff again once their wait is over. */
  #scheduleWake(snapshots: ContainerSnapshot[], wakeAt: number): void {
    if (this.#stopped) return;
    const heal = this.#options.state().heal;
    const waiting = snapshots.filter((snapshot) =>
      heal.containers[snapshot.name]?.lastSkip === "backoff"
    );
    for (const snapshot of waiting) {
      const existing = this.#timers.get(snapshot.name);
      if (existing !== undefined) this.#clearTimeout(existing);
      const delay = Math.max(0, wakeAt - this.#now()) + 5;
      this.#timers.set(
        snapshot.name,
        this.#setTimeout(() => {
          this.#timers.delete(snapshot.name);
          this.#track(this.#healOne(snapshot.id, { trigger: "backoff-elapsed" }));
        }, delay),
      );
    }
  }

  /** Keeps work started from events and timers, so that shutdown can wait for it. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    work.finally(() => this.#inFlight.delete(work)).catch(() => {});
    return work;
  }
}

/** A restart counts toward backoff and give-up once it was done (or simulated, in dry-run). */
const countRestart: Commit = (state, entry) =>
  entry.container && (entry.result === "ok" || entry.result === "dry-run")
    ? { ...state, heal: recordRestart(state.heal, entry.container, Date.parse(entry.time)) }
    : state;
