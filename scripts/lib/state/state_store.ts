import { type GpuWatchState, initialGpuWatchState } from "../gpu/watch_state.ts";
import { emptyHealState, type HealState } from "../heal/heal_state.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** Everything breakwater persists between passes and runs. */
export interface PersistedState {
  version: 1;
  heal: HealState;
  gpu: GpuWatchState;
}

/** Options for {@linkcode StateStore.open}. */
export interface OpenStateOptions {
  /** `false` keeps changes in memory only (dry-run). */
  persist?: boolean;
  /** Told when an unreadable state file was moved aside. */
  onWarning?: (message: string) => void;
}

/**
 * The persisted state, held in memory and written to one JSON file atomically after every
 * change. Changes are applied one at a time, in the order they were asked for.
 */
export class StateStore {
  #state: PersistedState;
  /** What the file holds now, so that a change that changes nothing is not written again. */
  #written: string | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly path: string, state: PersistedState, readonly persist: boolean) {
    this.#state = state;
  }

  /**
   * Reads the state file. A missing file is an empty state. An unreadable one is renamed aside
   * (so nothing is lost), reported through `onWarning`, and an empty state is used.
   */
  static async open(path: string, options: OpenStateOptions = {}): Promise<StateStore> {
    const state = await readState(path, options.onWarning ?? (() => {}));
    return new StateStore(path, state, options.persist ?? true);
  }

  /** The state as of the last change. */
  get current(): PersistedState {
    return this.#state;
  }

  /**
   * Applies `change` to the current state and persists the result. `change` runs after every
   * change asked for before it; what it returns besides the state is handed back.
   */
  update<T>(change: (state: PersistedState) => { state: PersistedState; result: T }): Promise<T> {
    const run = this.#queue.then(async () => {
      const { state, result } = change(this.#state);
      if (state === this.#state) return result;
      this.#state = state;
      const text = JSON.stringify(state, null, 2) + "\n";
      if (this.persist && text !== this.#written) {
        await writeFileAtomic(this.path, text);
        this.#written = text;
      }
      return result;
    });
    this.#queue = run.catch(() => {});
    return run;
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
  try {
    const parsed = JSON.parse(text);
    if (parsed?.version !== 1 || typeof parsed.heal?.containers !== "object") {
      throw new Error("not a breakwater state file of version 1");
    }
    return { ...emptyState(), ...parsed, gpu: { ...initialGpuWatchState(), ...parsed.gpu } };
  } catch (error) {
    const aside = `${path}.unreadable-${Date.now()}`;
    await Deno.rename(path, aside);
    onWarning(
      `state file ${path} could not be read (${(error as Error).message}); ` +
        `moved it to ${aside} and started with an empty state`,
    );
    return emptyState();
  }
}

function emptyState(): PersistedState {
  return { version: 1, heal: emptyHealState(), gpu: initialGpuWatchState() };
}
