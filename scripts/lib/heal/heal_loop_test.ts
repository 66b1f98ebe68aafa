import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import { testSnapshot } from "../engine/_test_snapshot.ts";
import { Executor } from "../executor/executor.ts";
import { FakeClock, FakeEngine, FakeJournal, FakeStore } from "../executor/_test_fakes.ts";
import { HealLoop, type Timer } from "./heal_loop.ts";

const config = parseConfigText("heal:\n  backoff: { initial: 10s }\n", {
  file: "test.yaml",
  env: () => undefined,
});

/** Timers run by hand on the fake clock. */
class FakeTimers {
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;
  constructor(readonly clock: FakeClock) {}
  readonly set = (callback: () => void, ms: number): Timer => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.clock.time + ms, callback });
    return id as unknown as Timer;
  };
  readonly clear = (id: Timer): void => void this.#timers.delete(id as unknown as number);
  /** Moves the clock and fires what is due. */
  advance(ms: number): void {
    this.clock.time += ms;
    for (const [id, timer] of [...this.#timers]) {
      if (timer.at <= this.clock.time) {
        this.#timers.delete(id);
        timer.callback();
      }
    }
  }
}

function setup() {
  const clock = new FakeClock();
  const engine = new FakeEngine(clock);
  const journal = new FakeJournal();
  const store = new FakeStore();
  const executor = new Executor({ engine, journal, store, dryRun: false, now: clock.now });
  const timers = new FakeTimers(clock);
  const reachability: string[] = [];
  const heal = new HealLoop({
    engine,
    executor,
    state: () => store.current,
    config,
    log: { log: () => {} },
    engineHealth: {
      reachable: () => reachability.push("up"),
      unreachable: () => reachability.push("down"),
    },
    now: clock.now,
    setTimeout: timers.set,
    clearTimeout: timers.clear,
  });
  return { clock, engine, journal, store, executor, timers, heal, reachability };
}

const event = (id: string, time: number) => ({
  type: "container",
  action: "health_status: unhealthy",
  id,
  name: "api",
  time,
});

Deno.test("heal loop: a failed restart is not counted; it is tried again at once", async () => {
  const { engine, store, heal, journal, clock } = setup();
  engine.add(testSnapshot());
  engine.failing.set("restart", "engine said no");
  await heal.onEvent(event("id-api", 0));
  assert.equal(store.current.heal.containers.api.backoffRestarts, 0);
  engine.failing.clear();
  clock.time += 1;
  await heal.onEvent(event("id-api", 1));
  assert.deepEqual(engine.calls, ["restart:api", "restart:api"]);
  assert.equal(store.current.heal.containers.api.backoffRestarts, 1);
  assert.deepEqual(journal.entries.map((entry) => entry.result), ["failed", "ok"]);
});

Deno.test("heal loop: events during a restart of the same container start no second one", async () => {
  const { engine, heal, clock } = setup();
  engine.add(testSnapshot());
  engine.holding.add("restart");
  const first = heal.onEvent(event("id-api", 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
  clock.time += 20;
  const second = heal.onEvent(event("id-api", 20));
  const pass = heal.reconcile();
  engine.release();
  await Promise.all([first, second, pass]);
  assert.deepEqual(engine.calls, ["restart:api"]);
});

Deno.test("heal loop: the backoff timer on the fake clock wakes the next restart", async () => {
  const { engine, heal, timers, store } = setup();
  engine.add(testSnapshot());
  await heal.onEvent(event("id-api", 0));
  engine.add(testSnapshot({ health: "unhealthy" })); // unhealthy again after its restart
  timers.advance(1_000);
  await heal.onEvent(event("id-api", 1));
  assert.equal(store.current.heal.containers.api.lastSkip, "backoff");
  assert.deepEqual(engine.calls, ["restart:api"]);
  timers.advance(10_000);
  await heal.drain();
  assert.deepEqual(engine.calls, ["restart:api", "restart:api"]);
  assert.equal(store.current.heal.containers.api.backoffRestarts, 2);
});

Deno.test("heal loop: a probe that is down restarts its container through the policy", async () => {
  const { engine, heal, journal } = setup();
  engine.add(testSnapshot({ name: "gateway", id: "id-gw", health: "healthy", labels: {} }));
  await heal.onProbeDown("gateway", "openclaw", { url: "http://127.0.0.1:18789/healthz" });
  assert.deepEqual(engine.calls, ["restart:gateway"]);
  assert.equal(journal.entries[0].reason, "probe openclaw is down");
  assert.equal(journal.entries[0].details.probe, "openclaw");
  heal.onProbeUp("gateway");
  await heal.reconcile();
  assert.deepEqual(engine.calls, ["restart:gateway"], "healthy and not opted in: left alone");
});

Deno.test("heal loop: reconcile reports whether the engine answered", async () => {
  const { engine, heal, reachability } = setup();
  await heal.onConnected();
  engine.snapshots = () => Promise.reject(new Error("gone"));
  await heal.onConnected();
  assert.deepEqual(reachability, ["up", "down"]);
});

Deno.test("heal loop: the first pass says it is done once planned; its restarts go on, drain waits", async () => {
  const { engine, heal, journal } = setup();
  engine.add(testSnapshot());
  engine.holding.add("restart");
  assert.equal(await heal.onConnected(), true);
  assert.deepEqual(engine.calls, ["restart:api"], "asked for, not yet answered");
  assert.equal(journal.entries.length, 0);
  const drained = heal.drain();
  engine.release();
  await drained;
  assert.deepEqual(journal.entries.map((entry) => entry.result), ["ok"]);
});
