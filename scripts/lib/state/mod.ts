/**
 * State that survives restarts of breakwater, written atomically.
 * @module
 */
export * from "./atomic_write.ts";
export * from "./state_store.ts";
