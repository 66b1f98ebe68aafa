import assert from "node:assert/strict";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { createLogger } from "../log/logger.ts";
import { markRecentActions, RECENT_ACTIONS_MS } from "./recent_actions.ts";

const NOW = Date.parse("2026-12-02T12:00:00Z");

Deno.test("recent actions: the last day's entries are marked; an unreadable journal is a warning", async () => {
  const marked: string[] = [];
  const asked: (number | undefined)[] = [];
  const lines: { level: string; message: string }[] = [];
  const log = createLogger({ json: true, write: (line) => lines.push(JSON.parse(line)) });
  const metrics = { markAction: (entry: JournalEntry) => marked.push(entry.action) };
  await markRecentActions({
    journal: {
      read: (options = {}) => {
        asked.push(options.since);
        return Promise.resolve([{ action: "restart" }, { action: "pause" }] as JournalEntry[]);
      },
    },
    metrics,
    log,
    now: () => NOW,
  });
  assert.deepEqual(asked, [NOW - RECENT_ACTIONS_MS]);
  assert.deepEqual(marked, ["restart", "pause"]);
  assert.equal(lines.length, 0);
  await markRecentActions({
    journal: { read: () => Promise.reject(new Error("EACCES: permission denied")) },
    metrics,
    log,
    now: () => NOW,
  });
  assert.deepEqual(marked, ["restart", "pause"]);
  assert.deepEqual(lines.map((line) => [line.level, line.message]), [
    ["warn", "cannot read the journal to mark recent actions: EACCES: permission denied"],
  ]);
});
