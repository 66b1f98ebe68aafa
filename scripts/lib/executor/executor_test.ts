import assert from "node:assert/strict";
import { testSnapshot } from "../engine/_test_snapshot.ts";
import { ActionInFlightError, type Commit, Executor } from "./executor.ts";
import { FakeClock, FakeEngine, FakeJournal, FakeStore } from "./_test_fakes.ts";

function setup(dryRun = false) {
  const clock = new FakeClock();
  const engine = new FakeEngine(clock);
  engine.add(testSnapshot());
  const journal = new FakeJournal();
  const store = new FakeStore();
  const seen: string[] = [];
  const executor = new Executor({
    engine,
    journal,
    store,
    dryRun,
    now: clock.now,
  });
  executor.listen((entry) => seen.push(`${entry.action}:${entry.result}`));
  return { clock, engine, journal, store, executor, seen };
}

const api = { name: "api", id: "id-api" };
const countRestart: Commit = (state, entry) =>
  entry.result === "ok" ? { ...state, gpu: { ...state.gpu, highStreak: 99 } } : state;

Deno.test("act, journal, then commit: a failed action commits nothing that did not happen", async () => {
  const { engine, journal, store, executor, seen } = setup();
  engine.failing.set("restart", "container is marked for removal");
  const failed = await executor.execute(
    { kind: "restart", container: api, reason: "r", actor: "policy" },
    countRestart,
  );
  assert.equal(failed.entry.result, "failed");
  assert.equal(failed.entry.error, "container is marked for removal");
  assert.equal(store.current.gpu.highStreak, 0);
  engine.failing.clear();
  const done = await executor.execute(
    { kind: "restart", container: api, reason: "r", actor: "policy" },
    countRestart,
  );
  assert.equal(done.entry.result, "ok");
  assert.equal(done.journaled, true);
  assert.equal(store.current.gpu.highStreak, 99);
  assert.deepEqual(journal.entries.map((entry) => entry.result), ["failed", "ok"]);
  assert.deepEqual(seen, ["restart:failed", "restart:ok"]);
});

Deno.test("one action per container: a second is refused while the first is under way", async () => {
  const { clock, engine, executor } = setup();
  engine.holding.add("restart");
  const first = executor.execute({ kind: "restart", container: api, reason: "r", actor: "a" });
  await Promise.resolve();
  assert.equal(executor.inFlight(api.id)?.kind, "restart");
  await assert.rejects(
    executor.execute({ kind: "pause", container: api, reason: "r", actor: "b" }),
    (error: unknown) =>
      error instanceof ActionInFlightError && /restart asked by a/.test(error.message),
  );
  const before = clock.time;
  assert.equal(executor.touchedSince(api.id, before), true);
  engine.release();
  await first;
  assert.equal(executor.inFlight(api.id), undefined);
  assert.deepEqual(engine.calls, ["restart:api"]);
  clock.time += 1_000;
  assert.equal(executor.touchedSince(api.id, before), true, "ended after the reading");
  assert.equal(executor.touchedSince(api.id, clock.time + 1), false);
});

Deno.test("an action done while the journal cannot be written is reported done, not lost", async () => {
  const { journal, executor, seen } = setup();
  journal.writable = false;
  const outcome = await executor.execute({
    kind: "pause",
    container: api,
    reason: "r",
    actor: "a",
  });
  assert.equal(outcome.entry.result, "ok");
  assert.equal(outcome.journaled, false);
  assert.deepEqual(seen, ["pause:ok"]);
});

Deno.test("dry-run journals the decision and never calls the engine", async () => {
  const { engine, executor } = setup(true);
  const outcome = await executor.execute({
    kind: "stop",
    container: api,
    reason: "r",
    actor: "a",
  });
  assert.equal(outcome.entry.result, "dry-run");
  assert.deepEqual(engine.calls, []);
});
