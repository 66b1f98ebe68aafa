/** What breakwater remembers about one opted-in container between passes and runs. */
export interface ContainerHealState {
  id: string;
  /** Restarts since the backoff last started over. */
  backoffRestarts: number;
  lastRestartAt: number | null;
  /** Restart times inside the give-up window. */
  recentRestarts: number[];
  /** First time it was seen healthy since it last was not. */
  healthySince: number | null;
  /** When it was last unpaused, until a health probe newer than that is seen. */
  unpausedAt: number | null;
  /** The container state seen last, to notice an unpause that happened between runs. */
  lastSeenState: string | null;
  gaveUpAt: number | null;
  /** The reason last journaled for not acting, so the same one is journaled once. */
  lastSkip: string | null;
}

/** Heal state of every opted-in container, by name. */
export interface HealState {
  containers: Record<string, ContainerHealState>;
}

/** The state of a container breakwater has not seen before. */
export function freshContainerState(id: string): ContainerHealState {
  return {
    id,
    backoffRestarts: 0,
    lastRestartAt: null,
    recentRestarts: [],
    healthySince: null,
    unpausedAt: null,
    lastSeenState: null,
    gaveUpAt: null,
    lastSkip: null,
  };
}

/** An empty heal state. */
export function emptyHealState(): HealState {
  return { containers: {} };
}
