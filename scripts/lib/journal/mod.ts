/**
 * The append-only JSONL journal of everything breakwater did or decided not to do.
 * @module
 */
export * from "./journal.ts";
export * from "./journal_entry.ts";
