/**
 * Which containers breakwater may heal, and which it must never touch.
 * @module
 */
export * from "./container_roles.ts";
export * from "./glob.ts";
