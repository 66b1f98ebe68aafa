import assert from "node:assert/strict";
import { type ActiveFault, Faults } from "./faults.ts";

Deno.test("a fault is told once when raised and once when cleared, counted every time", () => {
  const told: string[] = [];
  let now = 100;
  const faults = new Faults({ now: () => now });
  faults.listen({
    raised: (fault: ActiveFault, first) => told.push(`raise ${fault.kind} ${fault.count} ${first}`),
    cleared: (fault) => told.push(`clear ${fault.kind}`),
  });
  faults.raise("state", "disk full");
  now = 200;
  faults.raise("state", "still full");
  faults.raise("journal", "read-only");
  assert.deepEqual(faults.active().map((fault) => [fault.kind, fault.message, fault.since]), [
    ["state", "still full", 100],
    ["journal", "read-only", 200],
  ]);
  faults.clear("state");
  faults.clear("state");
  assert.equal(faults.has("state"), false);
  assert.equal(faults.has("journal"), true);
  assert.deepEqual(told, [
    "raise state 1 true",
    "raise state 2 false",
    "raise journal 1 true",
    "clear state",
  ]);
});
