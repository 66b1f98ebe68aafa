/**
 * Where a loop says whether the engine answered its last call. One owner (the runtime) keeps the
 * engine's state from every loop's reports, so that an outage is told once, not once a loop.
 */
export interface EngineReachability {
  reachable(): void;
  unreachable(error: unknown): void;
}
