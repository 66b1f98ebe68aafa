import assert from "node:assert/strict";
import { recordHeld, releaseResumed, settleHolds } from "./holds.ts";
import { initialGpuWatchState } from "./watch_state.ts";

const a = { name: "a", id: "1" };
const b = { name: "b", id: "2" };

Deno.test("recordHeld keeps one entry per container", () => {
  const once = recordHeld(initialGpuWatchState(), "pause", a, 1);
  const twice = recordHeld(once, "pause", a, 2);
  assert.deepEqual(twice.paused, [{ name: "a", id: "1", at: 2 }]);
  assert.deepEqual(twice.stopped, []);
});

Deno.test("settleHolds: a proven hold stays while paused, goes once running; a pending one never stays", () => {
  let state = recordHeld(initialGpuWatchState(), "pause", a, 1);
  state = recordHeld(state, "pause", b, 1, { pending: true });
  const paused = settleHolds(state, [{ id: "1", state: "paused" }, { id: "2", state: "paused" }]);
  assert.deepEqual(paused.state.paused, [{ name: "a", id: "1", at: 1 }]);
  assert.deepEqual(paused.released.map(({ held, why }) => [held.name, why]), [["b", "unproven"]]);
  const running = settleHolds(paused.state, [{ id: "1", state: "running" }]);
  assert.deepEqual(running.state.paused, []);
  assert.deepEqual(running.released.map(({ why }) => why), ["resumed"]);
  const notDone = settleHolds(recordHeld(initialGpuWatchState(), "stop", a, 1, { pending: true }), [
    { id: "1", state: "running" },
  ]);
  assert.deepEqual(notDone.released.map(({ why }) => why), ["not-done"]);
  const gone = settleHolds(recordHeld(initialGpuWatchState(), "pause", a, 1), []);
  assert.deepEqual([gone.state.paused, gone.released], [[], []]);
  const steady = recordHeld(initialGpuWatchState(), "pause", a, 1);
  assert.equal(settleHolds(steady, [{ id: "1", state: "paused" }]).state, steady, "unchanged");
});

Deno.test("releaseResumed: an unpause event lets go of that container's proven hold only", () => {
  let state = recordHeld(initialGpuWatchState(), "pause", a, 1);
  state = recordHeld(state, "pause", b, 1, { pending: true });
  const { state: after, released } = releaseResumed(state, "1");
  assert.deepEqual(after.paused.map((held) => held.name), ["b"]);
  assert.deepEqual(released.map(({ held }) => held.name), ["a"]);
  assert.equal(
    releaseResumed(after, "2").released.length,
    0,
    "a pending hold is breakwater's own action",
  );
});
