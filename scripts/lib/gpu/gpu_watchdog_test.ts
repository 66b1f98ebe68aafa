import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import { testSnapshot } from "../engine/_test_snapshot.ts";
import { Executor } from "../executor/executor.ts";
import { FakeClock, FakeEngine, FakeJournal, FakeStore } from "../executor/_test_fakes.ts";
import type { GpuReading } from "./gpu_reading.ts";
import { GpuWatchdog } from "./gpu_watchdog.ts";
import { parseQueryGpuCsv } from "./nvidia_smi_csv.ts";

const capture = (moment: string) =>
  parseQueryGpuCsv(Deno.readTextFileSync(
    new URL(
      `../../../tests/fixtures/nvidia/h200-driver580/${moment}/smi_query_nounits.csv`,
      import.meta.url,
    ),
  ));
const config = parseConfigText(
  "gpu:\n  cooldown: 0s\n  streak: 2\n  clearStreak: 2\n  ladder: [pause-noisy]\n",
  { file: "test.yaml", env: () => undefined },
);

function setup(after?: { engine: FakeEngine; store: FakeStore }) {
  const clock = after?.engine.clock ?? new FakeClock();
  const engine = after?.engine ?? new FakeEngine(clock);
  if (!after) {
    engine.add(testSnapshot({
      name: "ingest",
      id: "id-ingest",
      health: "healthy",
      labels: { "breakwater.gpu-noisy": "true" },
    }));
  }
  const store = after?.store ?? new FakeStore();
  const journal = new FakeJournal();
  const executor = new Executor({ engine, journal, store, dryRun: false, now: clock.now });
  let gpus: GpuReading[] = capture("load");
  const watchdog = new GpuWatchdog({
    reader: { source: "nvidia-smi", read: () => Promise.resolve(gpus), close: () => {} },
    listContainers: async () =>
      (await engine.snapshots()).map(({ id, name, state, labels }) => ({
        id,
        name,
        state,
        labels,
      })),
    executor,
    config,
    log: { log: () => {} },
    engineHealth: { reachable: () => {}, unreachable: () => {} },
    ollama: null,
    now: clock.now,
  });
  const tick = async (reading: "load" | "idle") => {
    gpus = capture(reading);
    clock.time += 1_000;
    return await watchdog.tick();
  };
  return { engine, store, journal, tick, watchdog };
}

Deno.test("watchdog: a failed pause is not held; a person's later pause survives the clear", async () => {
  const { engine, store, journal, tick } = setup();
  engine.failing.set("pause", "unable to freeze");
  await tick("load");
  await tick("load");
  assert.deepEqual(engine.calls, ["pause:ingest"]);
  assert.deepEqual(store.current.gpu.paused, []);
  assert.equal(journal.entries.find((entry) => entry.action === "pause")?.result, "failed");
  engine.failing.clear();
  engine.add({ ...engine.containers.get("id-ingest")!, state: "paused" }); // a person paused it
  await tick("idle");
  await tick("idle");
  assert.deepEqual(engine.calls, ["pause:ingest"], "never unpaused");
  assert.equal(store.current.gpu.tripped, false);
});

Deno.test("watchdog: a pause that worked is held and undone once pressure clears", async () => {
  const { engine, store, tick } = setup();
  await tick("load");
  await tick("load");
  assert.deepEqual(store.current.gpu.paused.map((held) => held.name), ["ingest"]);
  await tick("idle");
  await tick("idle");
  assert.deepEqual(engine.calls, ["pause:ingest", "unpause:ingest"]);
  assert.deepEqual(store.current.gpu.paused, []);
});

/** A breakwater that died while the engine was pausing: what a new one finds in the state. */
async function diedDuringPause() {
  const first = setup();
  first.engine.holding.add("pause");
  await first.tick("load");
  const underWay = first.tick("load");
  while (!first.engine.calls.includes("pause:ingest")) await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual(first.store.current.gpu.paused.map(({ name, pending }) => ({ name, pending })), [
    { name: "ingest", pending: true },
  ], "written before the engine answers");
  void underWay; // never answered: this breakwater is gone
  return first;
}

Deno.test("watchdog: died during a pause, found paused — by its call or a person's, nothing tells — nothing claimed, never undone", async () => {
  const { engine, store } = await diedDuringPause();
  engine.add({ ...engine.containers.get("id-ingest")!, state: "paused" });
  const next = setup({ engine, store });
  await next.tick("load");
  const found = next.journal.entries.find((entry) => entry.details?.interrupted);
  assert.equal(found?.action, "pause");
  assert.equal(found?.result, "noted", "no ok for a pause breakwater cannot prove");
  assert.match(found?.reason ?? "", /cannot be told, so breakwater claims nothing/);
  assert.deepEqual(store.current.gpu.paused, []);
  await next.tick("idle");
  await next.tick("idle");
  assert.equal(
    engine.calls.filter((call) => call.startsWith("unpause")).length,
    0,
    "never unpaused",
  );
});

Deno.test("watchdog: a person unpauses what breakwater paused (seen running), then pauses it: never undone", async () => {
  const { engine, store, journal, tick } = await pausedByBreakwater();
  engine.add({ ...engine.containers.get("id-ingest")!, state: "running" }); // a person unpaused it
  await tick("load");
  assert.deepEqual(store.current.gpu.paused, [], "the hold follows the container");
  const release = journal.entries.find((entry) => entry.action === "release");
  assert.match(release?.reason ?? "", /unpaused by someone else/);
  engine.add({ ...engine.containers.get("id-ingest")!, state: "paused" }); // and paused it again
  await tick("idle");
  await tick("idle");
  assert.deepEqual(engine.calls, ["pause:ingest"], "the person's pause is theirs");
});

Deno.test("watchdog: unpaused and paused again between two readings, told by the engine's event: never undone", async () => {
  const { engine, store, journal, tick, watchdog } = await pausedByBreakwater();
  engine.add({ ...engine.containers.get("id-ingest")!, state: "paused" }); // unpaused, re-paused
  watchdog.resumeEvents.onEvent({
    type: "container",
    action: "unpause",
    id: "id-ingest",
    name: "ingest",
    time: engine.clock.now(),
  });
  await waitUntil(() => journal.entries.some((entry) => entry.action === "release"));
  assert.deepEqual(store.current.gpu.paused, []);
  await tick("idle");
  await tick("idle");
  assert.deepEqual(engine.calls, ["pause:ingest"], "the person's pause is theirs");
});

/** Breakwater paused `ingest` under pressure and holds it. */
async function pausedByBreakwater() {
  const parts = setup();
  await parts.tick("load");
  await parts.tick("load");
  assert.deepEqual(parts.store.current.gpu.paused.map((held) => held.name), ["ingest"]);
  return parts;
}

async function waitUntil(done: () => boolean): Promise<void> {
  for (let tries = 0; !done(); tries++) {
    if (tries > 500) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

Deno.test("watchdog: a pause under way when breakwater died, found not done, is forgotten", async () => {
  const { engine, store } = await diedDuringPause();
  const next = setup({ engine, store });
  await next.tick("idle");
  const found = next.journal.entries.find((entry) => entry.details?.interrupted);
  assert.equal(found?.result, "failed");
  assert.match(found?.reason ?? "", /found not paused, so nothing is held/);
  assert.deepEqual(store.current.gpu.paused, []);
  engine.add({ ...engine.containers.get("id-ingest")!, state: "paused" }); // a person paused it
  await next.tick("idle");
  assert.deepEqual(engine.calls, ["pause:ingest"], "never unpaused");
});
