/**
 * Loading and validating `breakwater.yaml`.
 * @module
 */
export * from "./config_error.ts";
export * from "./duration.ts";
export * from "./load_config.ts";
export * from "./schema.ts";
export * from "./state_dir.ts";
