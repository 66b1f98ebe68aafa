import type { Config } from "../config/schema.ts";
import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import type { Engine } from "../engine/engine.ts";
import type { EngineEvent } from "../engine/engine_event.ts";
import { ContainerNotFoundError } from "../engine/errors.ts";
import { followEvents } from "../engine/follow_events.ts";
import type { Executor } from "../executor/executor.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import type { Logger } from "../log/logger.ts";
import type { StateStore } from "../state/state_store.ts";
import {
  type HealDecision,
  observeHealEvent,
  planHeal,
  pruneHealState,
  recordRestartFinished,
} from "./heal_policy.ts";
import type { HealState } from "./heal_state.ts";

/** Options for {@linkcode HealLoop}. */
export interface HealLoopOptions {
  engine: Engine;
  executor: Executor;
  store: StateStore;
  config: Config;
  log: Logger;
  now?: () => number;
}

/** What one pass looked at and did. */
export interface HealPassResult {
  containers: number;
  entries: JournalEntry[];
}

/** The engine events the loop acts on: a health change, and an unpause (stale-health grace). */
const HEAL_EVENTS = ["health_status", "unpause"] as const;

/**
 * The heal loop: reads containers, asks {@linkcode planHeal} what to do, records the new state,
 * then has the executor act. Driven by the engine's events, by a reconcile pass on an interval,
 * and by a timer for containers waiting out their backoff.
 */
export class HealLoop {
  readonly #options: HealLoopOptions;
  readonly #now: () => number;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #engineDown = false;

  constructor(options: HealLoopOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** One pass over every container. Throws when the engine cannot be read. */
  async reconcile(): Promise<HealPassResult> {
    const { engine, config } = this.#options;
    const snapshots = await engine.snapshots(config.docker.concurrency);
    const present = new Set(snapshots.map((snapshot) => snapshot.name));
    const entries = await this.#planAndAct(
      snapshots,
      { trigger: "reconcile" },
      (heal, now) => pruneHealState(heal, present, config.heal, now),
    );
    this.#markEngine(true);
    return { containers: snapshots.length, entries };
  }

  /**
   * Runs until `signal` aborts: follows the engine's events (reconnecting with backoff when the
   * stream drops), reconciles on the configured interval, and wakes containers whose backoff ends.
   */
  async run(signal: AbortSignal): Promise<void> {
    const { config, log } = this.#options;
    const interval = setInterval(
      () => this.#track(this.#safeReconcile()),
      config.heal.reconcileInterval,
    );
    try {
      await this.#safeReconcile();
      await this.#followEvents(signal);
    } finally {
      clearInterval(interval);
      for (const timer of this.#timers.values()) clearTimeout(timer);
      this.#timers.clear();
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      log.log("debug", "heal loop stopped");
    }
  }

  #followEvents(signal: AbortSignal): Promise<void> {
    const { engine, log } = this.#options;
    return followEvents({
      engine,
      actions: HEAL_EVENTS,
      signal,
      onEvent: (event) => this.#track(this.#onEvent(event)),
      onConnected: () => {
        log.log("debug", "following engine events");
        this.#track(this.#safeReconcile());
      },
      onLost: (error) =>
        error === undefined
          ? log.log("warn", "engine event stream ended; reconnecting")
          : this.#markEngine(false, error),
    });
  }

  async #onEvent(event: EngineEvent): Promise<void> {
    if (event.type !== "container") return;
    if (event.action === "unpause") {
      await this.#updateHeal((heal) => observeHealEvent(heal, event));
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
    try {
      const snapshot = await this.#options.engine.inspect(idOrName);
      await this.#planAndAct([snapshot], details);
    } catch (error) {
      if (error instanceof ContainerNotFoundError) return;
      this.#options.log.log("warn", `could not check ${idOrName}: ${(error as Error).message}`);
    }
  }

  /**
   * Treats a container as unhealthy because a probe of it is down: restarted like any unhealthy
   * container (first at once, then with backoff), whatever its labels say.
   */
  async healByProbe(name: string, details: Record<string, unknown>): Promise<void> {
    const { config, engine } = this.#options;
    try {
      const snapshot = await engine.inspect(name);
      const heal = { ...config.heal, containers: [...config.heal.containers, snapshot.name] };
      await this.#planAndAct(
        [{ ...snapshot, health: "unhealthy", lastProbeAt: this.#now() }],
        { trigger: "probe", ...details },
        (state) => state,
        { ...config, heal },
      );
    } catch (error) {
      this.#options.log.log(
        "warn",
        `could not heal ${name} after its probe failed: ${(error as Error).message}`,
      );
    }
  }

  async #safeReconcile(): Promise<void> {
    try {
      await this.reconcile();
    } catch (error) {
      this.#markEngine(false, error);
    }
  }

  async #planAndAct(
    snapshots: ContainerSnapshot[],
    details: Record<string, unknown>,
    tidy: (heal: HealState, now: number) => HealState = (heal) => heal,
    config = this.#options.config,
  ): Promise<JournalEntry[]> {
    const { store } = this.#options;
    const now = this.#now();
    const plan = await store.update((state) => {
      const plan = planHeal({ snapshots, state: state.heal, config, now });
      return { state: { ...state, heal: tidy(plan.state, now) }, result: plan };
    });
    if (plan.wakeAt !== null) this.#scheduleWake(snapshots, plan.wakeAt);
    return await Promise.all(plan.decisions.map(async (decision) => {
      const entry = await this.#carryOut(decision, details);
      if (decision.kind === "restart") {
        const finishedAt = this.#now();
        await this.#updateHeal((heal) =>
          recordRestartFinished(heal, decision.container.name, finishedAt)
        );
      }
      return entry;
    }));
  }

  #carryOut(decision: HealDecision, details: Record<string, unknown>): Promise<JournalEntry> {
    const { executor, config } = this.#options;
    const { container } = decision;
    const target = { name: container.name, id: container.id };
    const readings = { ...details, health: container.health, state: container.state };
    switch (decision.kind) {
      case "restart":
        return executor.execute({
          kind: "restart",
          container: target,
          reason: decision.reason,
          actor: "policy",
          stopTimeoutMs: decision.stopTimeoutMs,
          details: { ...readings, attempt: decision.attempt },
        });
      case "skip":
        return executor.note({
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
        });
      case "give-up":
        return executor.note({
          action: "give-up",
          container: target,
          reason: decision.reason,
          actor: "policy",
          result: executor.dryRun ? "dry-run" : "ok",
          details: { ...readings, maxRestarts: config.heal.giveUp.maxRestarts },
        });
    }
  }

  /** Looks at the containers in backoff again once their wait is over. */
  #scheduleWake(snapshots: ContainerSnapshot[], wakeAt: number): void {
    const waiting = snapshots.filter((snapshot) => {
      const entry = this.#options.store.current.heal.containers[snapshot.name];
      return entry?.lastSkip === "backoff";
    });
    for (const snapshot of waiting) {
      clearTimeout(this.#timers.get(snapshot.name));
      const delay = Math.max(0, wakeAt - this.#now()) + 5;
      this.#timers.set(
        snapshot.name,
        setTimeout(() => {
          this.#timers.delete(snapshot.name);
          this.#track(this.#healOne(snapshot.id, { trigger: "backoff-elapsed" }));
        }, delay),
      );
    }
  }

  /** Applies a pure change to the heal state; an unchanged state is not written again. */
  #updateHeal(change: (heal: HealState) => HealState): Promise<void> {
    return this.#options.store.update((state) => {
      const heal = change(state.heal);
      return { state: heal === state.heal ? state : { ...state, heal }, result: undefined };
    });
  }

  /** Keeps work started from events and timers, so that shutdown can wait for it. */
  #track(work: Promise<unknown>): void {
    this.#inFlight.add(work);
    work.finally(() => this.#inFlight.delete(work));
  }

  #markEngine(up: boolean, error?: unknown): void {
    const { log } = this.#options;
    if (up && this.#engineDown) log.log("info", "Docker engine reachable again");
    if (!up && !this.#engineDown) {
      log.log("error", (error as Error)?.message ?? String(error));
    }
    this.#engineDown = !up;
  }
}
