/** What can keep the daemon from doing all of its job while it goes on with the rest. */
export type FaultKind = "state" | "journal" | "engine" | "api";

/** A fault in force. */
export interface ActiveFault {
  kind: FaultKind;
  message: string;
  /** When it was first raised, ms since the epoch. */
  since: number;
  /** How many times it was raised since then. */
  count: number;
}

/** What is told of faults: each raise (metrics count each), and each clearing. */
export interface FaultListener {
  /** `first` when the fault was not in force before. */
  raised(fault: ActiveFault, first: boolean): void;
  cleared(fault: ActiveFault): void;
}

/** Options for {@linkcode Faults}. */
export interface FaultsOptions {
  now?: () => number;
}

/**
 * The faults in force, for `/healthz` (`degraded` with the reasons), metrics and the log. A fault
 * is told once when raised and once when cleared, however often it recurs in between.
 */
export class Faults {
  readonly #active = new Map<FaultKind, ActiveFault>();
  readonly #listeners: FaultListener[] = [];
  readonly #now: () => number;

  constructor(options: FaultsOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Tells `listener` every raise and clearing from now on. */
  listen(listener: FaultListener): void {
    this.#listeners.push(listener);
  }

  /** Records that `kind` failed, with what went wrong. */
  raise(kind: FaultKind, message: string): void {
    const existing = this.#active.get(kind);
    const fault = existing
      ? { ...existing, message, count: existing.count + 1 }
      : { kind, message, since: this.#now(), count: 1 };
    this.#active.set(kind, fault);
    for (const listener of this.#listeners) listener.raised(fault, existing === undefined);
  }

  /** Records that `kind` works again; nothing happens when it was not in force. */
  clear(kind: FaultKind): void {
    const fault = this.#active.get(kind);
    if (!fault) return;
    this.#active.delete(kind);
    for (const listener of this.#listeners) listener.cleared(fault);
  }

  /** Whether `kind` is in force. */
  has(kind: FaultKind): boolean {
    return this.#active.has(kind);
  }

  /** The faults in force, oldest first. */
  active(): ActiveFault[] {
    return [...this.#active.values()].sort((a, b) => a.since - b.since);
  }
}
