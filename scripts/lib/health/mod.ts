/**
 * The container health summary behind `deno task health`.
 * @module
 */
export * from "./container_sampler.ts";
export * from "./format_health.ts";
export * from "./health_row.ts";
export * from "./read_health.ts";
