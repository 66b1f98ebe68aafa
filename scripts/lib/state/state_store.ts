import { writeFileAtomic } from "./atomic_write.ts";
import { emptyState, type PersistedState, toPersistedState } from "./persisted_state.ts";

export type { PersistedState } from "./persisted_state.ts";

/** Options for {@linkcode StateStore.open}. */
export interface OpenStateOptions {
  /** `false` keeps changes in memory only (dry-run). */
  persist?: boolean;
  /** Told when an unreadable state file was moved aside. */
  onWarning?: (message: string) => void;
  /** Told when a write fails (the state stays in memory) and when writing works again. */
  onWriteFailed?: (error: Error) => void;
  onWriteRecovered?: () => void;
  /** Writes the file atomically; tests count and hold writes through it. */
  writeFile?: (path: string, text: string) => Promise<void>;
}

/**
 * The persisted state, held in memory and written to one JSON file atomically after every
 * change. Changes are applied one at a time, in the order they were asked for. Changes asked for
 * while a write is under way go to disk together in the next write (a group commit): twenty
 * containers turning unhealthy at once cost two flushes to disk, not twenty in a row, and each
 * caller still resumes only once a write holding its change is done.
 *
 * A write that fails does not fail the change: memory stays the truth, the failure is reported
 * through `onWriteFailed`, and the next change or {@linkcode StateStore.flush} writes it again.
 */
export class StateStore {
  #state: PersistedState;
  /** What the file holds now, so that a change that changes nothing is not written again. */
  #written: string | null = null;
  #failing = false;
  #queue: Promise<unknown> = Promise.resolve();
  /** The write queued but not yet started: a change made now is in it. */
  #nextWrite: Promise<void> | null = null;

  private constructor(
    readonly path: string,
    state: PersistedState,
    readonly persist: boolean,
    readonly options: OpenStateOptions,
  ) {
    this.#state = state;
  }

  /**
   * Reads the state file. A missing file is an empty state. An unreadable one, or one of the wrong
   * shape, is renamed aside (so nothing is lost), reported through `onWarning`, and an empty state
   * is used.
   */
  static async open(path: string, options: OpenStateOptions = {}): Promise<StateStore> {
    const state = await readState(path, options.onWarning ?? (() => {}));
    return new StateStore(path, state, options.persist ?? true, options);
  }

  /** The state as of the last change. */
  get current(): PersistedState {
    return this.#state;
  }

  /** Whether the last write failed and memory holds changes the file does not. */
  get unsaved(): boolean {
    return this.#failing;
  }

  /**
   * Applies `change` to the current state and persists the result. `change` runs after every
   * change asked for before it; what it returns besides the state is handed back. A failed write
   * is reported, not thrown.
   */
  update<T>(change: (state: PersistedState) => { state: PersistedState; result: T }): Promise<T> {
    let changed: { state: PersistedState; result: T };
    try {
      changed = change(this.#state);
    } catch (error) {
      return Promise.reject(error);
    }
    if (changed.state === this.#state) return Promise.resolve(changed.result);
    this.#state = changed.state;
    return this.#write().then(() => changed.result);
  }

  /** Resolves once a write holding the state as it is now is done (reported, never thrown). */
  #write(): Promise<void> {
    this.#nextWrite ??= this.#enqueue(() => {
      this.#nextWrite = null;
      return this.#save();
    });
    return this.#nextWrite;
  }

  /** Writes the state again if the last write failed; resolves whether the file is current. */
  flush(): Promise<boolean> {
    return this.#enqueue(async () => {
      if (this.#failing) await this.#save();
      return !this.#failing;
    });
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #save(): Promise<void> {
    if (!this.persist) return;
    const text = JSON.stringify(this.#state, null, 2) + "\n";
    if (text === this.#written && !this.#failing) return;
    try {
      await (this.options.writeFile ?? writeFileAtomic)(this.path, text);
    } catch (error) {
      this.#failing = true;
      this.options.onWriteFailed?.(error as Error);
      return;
    }
    this.#written = text;
    if (this.#failing) {
      this.#failing = false;
      this.options.onWriteRecovered?.();
    }
  }
}

async function readState(
  path: string,
  onWarning: (message: string) => void,
): Promise<PersistedState> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return emptyState();
    throw error;
  }
  let problem: string;
  try {
    const checked = toPersistedState(JSON.parse(text));
    if (checked.ok) return checked.state;
    problem = `not a breakwater state file of version 1: ${checked.problem}`;
  } catch (error) {
    problem = (error as Error).message;
  }
  const aside = `${path}.unreadable-${Date.now()}`;
  await Deno.rename(path, aside);
  onWarning(
    `state file ${path} could not be read (${problem}); ` +
      `moved it to ${aside} and started with an empty state`,
  );
  return emptyState();
}
