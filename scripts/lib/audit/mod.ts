/**
 * The architecture audit: one GPU owner, quotas on every helper, healthchecks, restart policies,
 * heavy data off the system disk — on live containers or a Compose file.
 * @module
 */
export * from "./audit_rules.ts";
export * from "./audit_subject.ts";
export * from "./format_audit.ts";
export * from "./from_compose.ts";
export * from "./from_inspect.ts";
export * from "./read_disks.ts";
