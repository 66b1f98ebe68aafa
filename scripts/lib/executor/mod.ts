/**
 * The executor: carries out actions and journals every one.
 * @module
 */
export * from "./executor.ts";
