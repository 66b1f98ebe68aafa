import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import { ContainerNotFoundError } from "../engine/errors.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { emptyState, type PersistedState } from "../state/persisted_state.ts";
import type { ContainerControl } from "./executor.ts";

/** A clock tests move by hand. */
export class FakeClock {
  constructor(public time = Date.parse("2026-01-01T00:00:00Z")) {}
  readonly now = (): number => this.time;
}

/**
 * An engine in memory: containers by id, every call that changes one recorded, and calls that
 * fail or hang on demand.
 */
export class FakeEngine implements ContainerControl {
  readonly containers = new Map<string, ContainerSnapshot>();
  readonly calls: string[] = [];
  /** The next calls of this kind throw this message. */
  failing = new Map<string, string>();
  /** Calls of this kind wait until `release()`. */
  holding = new Set<string>();
  #released: (() => void)[] = [];

  constructor(readonly clock: FakeClock) {}

  add(snapshot: ContainerSnapshot): void {
    this.containers.set(snapshot.id, snapshot);
  }

  inspect(idOrName: string): Promise<ContainerSnapshot> {
    const found = this.containers.get(idOrName) ??
      [...this.containers.values()].find((container) => container.name === idOrName);
    if (!found) return Promise.reject(new ContainerNotFoundError(idOrName));
    return Promise.resolve(found);
  }

  snapshots(): Promise<ContainerSnapshot[]> {
    return Promise.resolve([...this.containers.values()]);
  }

  /** Lets every held call finish. */
  release(): void {
    for (const release of this.#released.splice(0)) release();
  }

  restart(id: string): Promise<void> {
    return this.#change("restart", id, { health: "starting", startedAt: this.clock.now() });
  }
  stop(id: string): Promise<void> {
    return this.#change("stop", id, { state: "exited" });
  }
  start(id: string): Promise<void> {
    return this.#change("start", id, { state: "running" });
  }
  pause(id: string): Promise<void> {
    return this.#change("pause", id, { state: "paused" });
  }
  unpause(id: string): Promise<void> {
    return this.#change("unpause", id, { state: "running" });
  }

  async #change(kind: string, id: string, after: Partial<ContainerSnapshot>): Promise<void> {
    this.calls.push(`${kind}:${this.containers.get(id)?.name ?? id}`);
    if (this.holding.has(kind)) await new Promise<void>((resolve) => this.#released.push(resolve));
    const failure = this.failing.get(kind);
    if (failure) throw new Error(failure);
    const container = this.containers.get(id);
    if (container) this.containers.set(id, { ...container, ...after });
  }
}

/** A journal in memory that can be made to fail. */
export class FakeJournal {
  readonly entries: JournalEntry[] = [];
  writable = true;
  append(entry: JournalEntry): Promise<boolean> {
    if (this.writable) this.entries.push(entry);
    return Promise.resolve(this.writable);
  }
}

/** A state store in memory, changes applied in order. */
export class FakeStore {
  current: PersistedState = emptyState();
  #queue: Promise<unknown> = Promise.resolve();
  update<T>(change: (state: PersistedState) => { state: PersistedState; result: T }): Promise<T> {
    const run = this.#queue.then(() => {
      const { state, result } = change(this.current);
      this.current = state;
      return result;
    });
    this.#queue = run.catch(() => {});
    return run;
  }
}
