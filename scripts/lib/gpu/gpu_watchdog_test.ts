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
  return { engine, store, journal, tick };
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

Deno.test("watchdog: a pause under way when breakwater died, found done, is held and undone later", async () => {
  const { engine, store } = await diedDuringPause();
  engine.add({ ...engine.containers.get("id-ingest")!, state: "paused" });
  const next = setup({ engine, store });
  await next.tick("load");
  const found = next.journal.entries.find((entry) => entry.details?.interrupted);
  assert.equal(found?.action, "pause");
  assert.equal(found?.result, "ok");
  assert.match(found?.reason ?? "", /found paused, so it is held/);
  assert.deepEqual(store.current.gpu.paused.map(({ name, pending }) => ({ name, pending })), [
    { name: "ingest", pending: undefined },
  ]);
  await next.tick("idle");
  await next.tick("idle");
  assert.equal(engine.calls.at(-1), "unpause:ingest");
  assert.deepEqual(store.current.gpu.paused, []);
});

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
