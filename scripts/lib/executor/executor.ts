import type { JournalEntry, JournalResult } from "../journal/journal_entry.ts";
import type { PersistedState } from "../state/persisted_state.ts";

import type { ContainerActionKind } from "./container_actions.ts";

export type { ContainerActionKind } from "./container_actions.ts";

/** A change to one container, decided by a policy or asked for by a person. */
export interface ContainerAction {
  kind: ContainerActionKind;
  container: { name: string; id: string };
  reason: string;
  /** `policy`, or the person who asked. */
  actor: string;
  details?: Record<string, unknown>;
  /** For `restart` and `stop`: how long the engine waits before it kills. */
  stopTimeoutMs?: number;
}

/** Unloading a model from Ollama's memory. */
export interface ModelUnload {
  model: string;
  reason: string;
  actor: string;
  details?: Record<string, unknown>;
}

/** A decision that changes nothing but belongs in the journal (a skip, a give-up). */
export interface JournalNote {
  action: string;
  container: { name: string; id: string } | null;
  reason: string;
  actor: string;
  result: JournalResult;
  details?: Record<string, unknown>;
}

/** How the state changes before an action starts (what is under way). Pure. */
export type Intent = (state: PersistedState) => PersistedState;

/**
 * How the state changes once an action has ended, given its journal entry: a pure function, so
 * that what is counted follows what happened (a failed restart counts nothing).
 */
export type Commit = (state: PersistedState, entry: JournalEntry) => PersistedState;

/** An action's journal entry, and whether it is on disk yet (else it waits in memory). */
export interface Outcome {
  entry: JournalEntry;
  journaled: boolean;
}

/** An action under way on a container. */
export interface InFlightAction {
  kind: ContainerActionKind;
  actor: string;
  /** When it started, ms since the epoch. */
  since: number;
}

/** The engine calls that change a container: all the executor uses of the engine. */
export interface ContainerControl {
  restart(id: string, stopTimeoutMs: number): Promise<void>;
  stop(id: string, stopTimeoutMs: number): Promise<void>;
  start(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  unpause(id: string): Promise<void>;
}

/** Options for {@linkcode Executor}. */
export interface ExecutorOptions {
  engine: ContainerControl;
  journal: { append(entry: JournalEntry): Promise<boolean> };
  store: {
    update<T>(change: (state: PersistedState) => { state: PersistedState; result: T }): Promise<T>;
  };
  /** Needed to unload models; without it an unload is journaled as failed. */
  ollama?: { unload(model: string): Promise<void> };
  /** Decide and journal, change nothing. */
  dryRun: boolean;
  now?: () => number;
}

/** How long the end of an action is remembered for {@linkcode Executor.touchedSince}. */
const FINISHED_KEPT_MS = 10 * 60_000;

/** A container already has an action under way; a second one is refused, not queued. */
export class ActionInFlightError extends Error {
  constructor(readonly container: { name: string; id: string }, readonly inFlight: InFlightAction) {
    super(
      `${container.name}: a ${inFlight.kind} asked by ${inFlight.actor} is already under way ` +
        `(since ${new Date(inFlight.since).toISOString()})`,
    );
    this.name = "ActionInFlightError";
  }
}

/**
 * The only part of breakwater that changes anything, and the only one that writes the state.
 * For every action: take the container (one action at a time each) → act (unless dry-run) →
 * journal the result → apply the caller's {@linkcode Commit} → let the container go. It never
 * throws for a failed action, a failed journal write or a failed state write: the outcome says
 * how it went, and what was done is reported as done.
 */
export class Executor {
  readonly #options: ExecutorOptions;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, InFlightAction>();
  readonly #finishedAt = new Map<string, number>();
  readonly #listeners: ((entry: JournalEntry) => void)[] = [];

  constructor(options: ExecutorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Tells `listener` every entry once it is journaled (metrics, notifications, output). */
  listen(listener: (entry: JournalEntry) => void): void {
    this.#listeners.push(listener);
  }

  /** Whether actions are only decided and journaled. */
  get dryRun(): boolean {
    return this.#options.dryRun;
  }

  /** The action under way on a container, if any. */
  inFlight(containerId: string): InFlightAction | undefined {
    return this.#inFlight.get(containerId);
  }

  /**
   * Whether an action on the container is under way or ended at or after `time`: a reading of it
   * taken before then no longer says what it is like.
   */
  touchedSince(containerId: string, time: number): boolean {
    return this.#inFlight.has(containerId) || (this.#finishedAt.get(containerId) ?? -1) >= time;
  }

  /**
   * Carries out an action, journals it and applies `commit`. `intent`, when given, is applied to
   * the state (and written) before the engine is asked, so that a breakwater that dies while the
   * engine acts finds on restart what it was doing.
   * @throws {ActionInFlightError} when the container already has an action under way.
   */
  async execute(action: ContainerAction, commit?: Commit, intent?: Intent): Promise<Outcome> {
    const { id } = action.container;
    const busy = this.#inFlight.get(id);
    if (busy) throw new ActionInFlightError(action.container, busy);
    this.#inFlight.set(id, { kind: action.kind, actor: action.actor, since: this.#now() });
    try {
      if (intent && !this.#options.dryRun) {
        await this.#options.store.update((state) => ({ state: intent(state), result: undefined }));
      }
      return await this.#act(
        { ...action, action: action.kind },
        () => this.#perform(action),
        commit,
      );
    } finally {
      this.#inFlight.delete(id);
      this.#remember(id);
    }
  }

  /** Asks Ollama to unload a model, journals it and applies `commit`. */
  unloadModel(unload: ModelUnload, commit?: Commit): Promise<Outcome> {
    return this.#act(
      {
        action: "unload-model",
        container: null,
        reason: unload.reason,
        actor: unload.actor,
        details: { model: unload.model, ...unload.details },
      },
      () => {
        if (!this.#options.ollama) throw new Error("no Ollama client configured");
        return this.#options.ollama.unload(unload.model);
      },
      commit,
    );
  }

  /** Journals a decision that needs no engine call, and applies `commit`. */
  async note(note: JournalNote, commit?: Commit): Promise<Outcome> {
    const entry: JournalEntry = {
      time: new Date(this.#now()).toISOString(),
      action: note.action,
      container: note.container,
      reason: note.reason,
      details: note.details ?? {},
      actor: note.actor,
      result: note.result,
    };
    return await this.#record(entry, commit);
  }

  /**
   * Applies a state change that records an observation, not an action (a streak, a health
   * seen); like every change, in order after those asked for before it.
   */
  observe<T>(change: (state: PersistedState) => { state: PersistedState; result: T }): Promise<T> {
    return this.#options.store.update(change);
  }

  async #act(
    what: Pick<JournalEntry, "action" | "container" | "reason" | "actor"> & {
      details?: Record<string, unknown>;
    },
    perform: () => Promise<void>,
    commit: Commit | undefined,
  ): Promise<Outcome> {
    const requestedAt = this.#now();
    let result: JournalResult = "dry-run";
    let error: string | undefined;
    if (!this.#options.dryRun) {
      try {
        await perform();
        result = "ok";
      } catch (cause) {
        result = "failed";
        error = cause instanceof Error ? cause.message : String(cause);
      }
    }
    const finishedAt = this.#now();
    return await this.#record({
      time: new Date(finishedAt).toISOString(),
      action: what.action,
      container: what.container,
      reason: what.reason,
      details: { ...what.details, requestedAt: new Date(requestedAt).toISOString() },
      actor: what.actor,
      result,
      ...(error === undefined ? {} : { error }),
      durationMs: Math.round(finishedAt - requestedAt),
    }, commit);
  }

  /**
   * Notes when an action on `id` ended. Readings are seconds old at most, so endings older than
   * {@linkcode FINISHED_KEPT_MS} are dropped: containers come and go, the map does not grow.
   */
  #remember(id: string): void {
    const now = this.#now();
    for (const [known, at] of this.#finishedAt) {
      if (now - at > FINISHED_KEPT_MS) this.#finishedAt.delete(known);
    }
    this.#finishedAt.set(id, now);
  }

  #perform({ kind, container, stopTimeoutMs = 10_000 }: ContainerAction): Promise<void> {
    const engine = this.#options.engine;
    switch (kind) {
      case "restart":
        return engine.restart(container.id, stopTimeoutMs);
      case "stop":
        return engine.stop(container.id, stopTimeoutMs);
      case "start":
        return engine.start(container.id);
      case "pause":
        return engine.pause(container.id);
      case "unpause":
        return engine.unpause(container.id);
    }
  }

  async #record(entry: JournalEntry, commit: Commit | undefined): Promise<Outcome> {
    const journaled = await this.#options.journal.append(entry);
    if (commit) {
      await this.#options.store.update((state) => ({
        state: commit(state, entry),
        result: undefined,
      }));
    }
    for (const listener of this.#listeners) listener(entry);
    return { entry, journaled };
  }
}
