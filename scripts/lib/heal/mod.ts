/**
 * Healing: the pure policy that decides which unhealthy containers to restart, and its state.
 * @module
 */
export * from "./backoff.ts";
export * from "./heal_policy.ts";
export * from "./heal_state.ts";
export * from "./heal_loop.ts";
