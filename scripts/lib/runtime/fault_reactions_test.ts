import assert from "node:assert/strict";
import type { JournalNote } from "../executor/executor.ts";
import { createLogger } from "../log/logger.ts";
import { faultReactions } from "./fault_reactions.ts";
import { Faults } from "./faults.ts";

function setup() {
  const counted: string[] = [];
  const notes: JournalNote[] = [];
  const lines: { level: string; message: string }[] = [];
  const faults = new Faults();
  faults.listen(faultReactions({
    metrics: {
      recordFault: (kind) => counted.push(`raise ${kind}`),
      clearFault: (kind) => counted.push(`clear ${kind}`),
    },
    log: createLogger({ json: true, write: (line) => lines.push(JSON.parse(line)) }),
    note: (note) => notes.push(note),
  }));
  return { faults, counted, notes, lines };
}

Deno.test("fault reactions: every raise counted, the first and the clearing logged and journaled", () => {
  const { faults, counted, notes, lines } = setup();
  faults.raise("state", "cannot write the state: disk full");
  faults.raise("state", "cannot write the state: disk full");
  faults.clear("state");
  assert.deepEqual(counted, ["raise state", "raise state", "clear state"]);
  assert.deepEqual(lines.map((line) => [line.level, line.message]), [
    ["error", "cannot write the state: disk full"],
    ["info", "state: working again after 2 failure(s)"],
  ]);
  assert.deepEqual(notes.map((note) => [note.action, note.result, note.reason, note.details]), [
    ["fault", "noted", "cannot write the state: disk full", { fault: "state" }],
    ["fault-cleared", "noted", "state: working again after 2 failure(s)", { fault: "state" }],
  ]);
  assert.ok(notes.every((note) => note.container === null && note.actor === "policy"));
});

Deno.test("fault reactions: the journal's own fault is logged and counted, not journaled", () => {
  const { faults, counted, notes, lines } = setup();
  faults.raise("journal", "cannot write the journal: read-only file system");
  faults.clear("journal");
  assert.deepEqual(counted, ["raise journal", "clear journal"]);
  assert.equal(lines.length, 2);
  assert.deepEqual(notes, []);
});
