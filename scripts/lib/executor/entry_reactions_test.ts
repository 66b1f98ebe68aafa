import assert from "node:assert/strict";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { createLogger } from "../log/logger.ts";
import { describeEntry, entryReactions } from "./entry_reactions.ts";

const entry = (result: JournalEntry["result"], error?: string): JournalEntry => ({
  time: "2026-12-02T00:00:00.000Z",
  action: "restart",
  container: { name: "api", id: "id-api" },
  reason: "unhealthy",
  details: {},
  actor: "policy",
  result,
  ...(error ? { error } : {}),
});

Deno.test("entry reactions: each entry counted, notified and logged; a failure is an error line and remembered", () => {
  const counted: string[] = [];
  const notified: string[] = [];
  const lines: { level: string; message: string; container?: string }[] = [];
  const reactions = entryReactions({
    metrics: { recordEntry: (seen) => counted.push(seen.result) },
    notifier: { notify: (seen) => notified.push(seen.result) },
    log: createLogger({ json: true, write: (line) => lines.push(JSON.parse(line)) }),
  });
  reactions.onEntry(entry("ok"));
  assert.equal(reactions.anyFailed(), false);
  reactions.onEntry(entry("failed", "no such container"));
  reactions.onEntry(entry("ok"));
  assert.equal(reactions.anyFailed(), true);
  assert.deepEqual(counted, ["ok", "failed", "ok"]);
  assert.deepEqual(notified, ["ok", "failed", "ok"]);
  assert.deepEqual(lines.map((line) => [line.level, line.message, line.container]), [
    ["info", "restart api: ok — unhealthy", "api"],
    ["error", "restart api: failed (no such container) — unhealthy", "api"],
    ["info", "restart api: ok — unhealthy", "api"],
  ]);
});

Deno.test("describeEntry names no container with a dash", () => {
  assert.equal(
    describeEntry({ ...entry("noted"), action: "fault", container: null, reason: "disk full" }),
    "fault -: noted — disk full",
  );
});
