/**
 * The Docker engine adapter: reading containers, stats and events, and the calls that change
 * containers, all through the engine's API.
 * @module
 */
export * from "./cgroup_path.ts";
export * from "./cgroup_stats.ts";
export * from "./container_directory.ts";
export * from "./container_snapshot.ts";
export * from "./endpoint.ts";
export * from "./engine.ts";
export * from "./engine_event.ts";
export * from "./errors.ts";
export * from "./follow_events.ts";
export * from "./stats_sample.ts";
export * from "./event_hub.ts";
export * from "./engine_reachability.ts";
