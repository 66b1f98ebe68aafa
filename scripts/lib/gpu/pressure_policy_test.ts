import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import { testSnapshot } from "../engine/_test_snapshot.ts";
import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import type { VramAttribution } from "./attribution.ts";
import type { GpuSample } from "./gpu_reading.ts";
import { parseQueryGpuCsv } from "./nvidia_smi_csv.ts";
import type { OllamaModel } from "../ollama/ollama_client.ts";
import {
  armWatchdog,
  type GpuAction,
  planPressure,
  type PressureInput,
} from "./pressure_policy.ts";
import { recordHeld } from "./holds.ts";
import { type GpuWatchState, initialGpuWatchState } from "./watch_state.ts";

const capture = (moment: string) =>
  parseQueryGpuCsv(Deno.readTextFileSync(
    new URL(
      `../../../tests/fixtures/nvidia/h200-driver580/${moment}/smi_query_nounits.csv`,
      import.meta.url,
    ),
  ));
const LOAD: GpuSample = { ok: true, source: "nvidia-smi", time: 0, gpus: capture("load") }; // 96.8 %, 100 %
const IDLE: GpuSample = { ok: true, source: "nvidia-smi", time: 0, gpus: capture("idle") };
const FAILED: GpuSample = {
  ok: false,
  source: "nvidia-smi",
  time: 0,
  error: "nvidia-smi exited with 15",
};
/** VRAM at 90 %: between the watermarks. */
const BETWEEN: GpuSample = {
  ok: true,
  source: "nvidia-smi",
  time: 0,
  gpus: capture("load").map((gpu) => ({
    ...gpu,
    memoryUsedBytes: gpu.memoryTotalBytes! * 0.9,
    utilizationPercent: 50,
  })),
};
/** Utilization at 99 %, VRAM low. */
const BUSY: GpuSample = {
  ok: true,
  source: "nvidia-smi",
  time: 0,
  gpus: capture("idle").map((gpu) => ({ ...gpu, utilizationPercent: 99 })),
};

const config = parseConfigText(
  "gpu:\n  cooldown: 10s\n  owner: [ollama]\n  ollama:\n    keepModels: [nomic-embed-text]\nprotected: [grafana]\n",
  { file: "test.yaml", env: () => undefined },
);
const T0 = Date.parse("2026-01-01T00:00:00Z");
const container = (name: string, overrides: Partial<ContainerSnapshot> = {}) =>
  testSnapshot({ name, id: `id-${name}`, health: "healthy", labels: {}, ...overrides });
const NOISY = { "breakwater.gpu-noisy": "true" };
const CONTAINERS = [
  container("ollama", { labels: NOISY }), // the owner: never touched, even labelled noisy
  container("grafana", { labels: NOISY }), // protected
  container("ingest", { labels: NOISY }),
  container("hand-paused", { labels: NOISY, state: "paused" }), // a person paused it
  container("agent"),
];
const MODELS: OllamaModel[] = [
  { name: "llama3.1:8b", sizeVram: 6e9, expiresAt: null },
  { name: "nomic-embed-text", sizeVram: 3e8, expiresAt: null },
  { name: "on-cpu", sizeVram: 0, expiresAt: null },
];
const ATTRIBUTION: VramAttribution = {
  available: true,
  byContainer: { ollama: 9e10, agent: 4e10, ingest: 1e9 },
  unattributedBytes: 0,
};

interface Step {
  sample: GpuSample;
  at?: number;
  containers?: ContainerSnapshot[];
}

/** Feeds samples two seconds apart; returns every action and note, and the last state. */
function run(
  steps: Step[],
  overrides: Partial<PressureInput> = {},
  state: GpuWatchState = initialGpuWatchState(),
) {
  const actions: string[] = [];
  const notes: string[] = [];
  const rawActions: GpuAction[] = [];
  steps.forEach((step, index) => {
    const plan = planPressure({
      sample: step.sample,
      containers: step.containers ?? CONTAINERS,
      attribution: ATTRIBUTION,
      ollamaModels: MODELS,
      config,
      now: step.at ?? T0 + index * 2_000,
      ...overrides,
      state,
    });
    // As the watchdog does once the engine carried an action out.
    state = plan.actions.reduce(
      (held, action) =>
        action.kind === "pause" || action.kind === "stop"
          ? recordHeld(held, action.kind, action.container, step.at ?? T0 + index * 2_000)
          : held,
      plan.state,
    );
    rawActions.push(...plan.actions);
    actions.push(...plan.actions.map(describe));
    notes.push(...plan.notes.map((note) => note.kind));
  });
  return { actions, notes, state, rawActions };
}

const describe = (action: GpuAction) =>
  action.kind === "unload-model"
    ? `unload:${action.model}`
    : `${action.kind}:${action.container.name}`;
const times = (sample: GpuSample, count: number): Step[] =>
  Array.from({ length: count }, () => ({ sample }));

Deno.test("three readings over 95 % trip; two do not", () => {
  assert.deepEqual(run(times(LOAD, 2)).actions, []);
  const tripped = run(times(LOAD, 3));
  assert.deepEqual(tripped.notes, ["trip"]);
  assert.deepEqual(tripped.actions, ["unload:llama3.1:8b"], "kept and CPU-only models stay");
  assert.equal(tripped.state.tripped, true);
});

Deno.test("an unknown reading neither extends nor resets the streak, and is counted", () => {
  const gap = run([{ sample: LOAD }, { sample: LOAD }, { sample: FAILED }, { sample: FAILED }]);
  assert.equal(gap.state.highStreak, 2);
  assert.equal(gap.state.tripped, false);
  assert.equal(gap.state.unknownReadings, 2);
  assert.deepEqual(gap.notes, ["unknown-reading"], "an outage is journaled once");
  const resumed = run([{ sample: LOAD }, { sample: LOAD }, { sample: FAILED }, { sample: LOAD }]);
  assert.equal(resumed.state.tripped, true);
  const partial: GpuSample = {
    ...LOAD,
    gpus: LOAD.gpus.map((gpu) => ({ ...gpu, utilizationPercent: null })),
  };
  const withPartial = run([{ sample: LOAD }, { sample: partial }, { sample: LOAD }]);
  assert.equal(withPartial.state.highStreak, 2);
  assert.equal(withPartial.state.unknownReadings, 1);
});

Deno.test("streaks stop at the count that trips or clears, so a steady GPU changes no state", () => {
  const calm = run(times(IDLE, 10)).state;
  assert.equal(calm.lowStreak, config.gpu.clearStreak);
  assert.deepEqual(run(times(IDLE, 1), {}, calm).state, calm);
  const loaded = run(times(LOAD, 10), { ollamaModels: null }).state;
  assert.equal(loaded.highStreak, config.gpu.streak);
  assert.equal(loaded.lowStreak, 0);
});

Deno.test("the ladder climbs one rung per trip after the cool-down, in order", () => {
  const steps: Step[] = [0, 2, 4, 6, 14, 15, 24, 34, 44].map((second) => ({
    sample: LOAD,
    at: T0 + second * 1_000,
  }));
  const { actions, state, notes } = run(steps);
  assert.deepEqual(actions, ["unload:llama3.1:8b", "pause:ingest", "stop:agent"]);
  assert.deepEqual(notes, ["trip", "ladder-exhausted"]);
  assert.deepEqual(state.paused.map((held) => held.name), ["ingest"]);
  assert.deepEqual(state.stopped.map((held) => held.name), ["agent"]);
});

Deno.test("rungs with nothing to do are skipped", () => {
  const { actions } = run(times(LOAD, 3), { ollamaModels: null });
  assert.deepEqual(actions, ["pause:ingest"]);
});

Deno.test("utilization pressure alone only pauses; unloading and stopping need VRAM pressure", () => {
  const steps: Step[] = [0, 2, 4, 20, 40].map((second) => ({
    sample: BUSY,
    at: T0 + second * 1_000,
  }));
  assert.deepEqual(run(steps).actions, ["pause:ingest"]);
});

Deno.test("stopping needs attribution; it picks the non-owner holding the most VRAM", () => {
  const stopOnly = { ...config, gpu: { ...config.gpu, ladder: ["stop-top-vram" as const] } };
  assert.deepEqual(run(times(LOAD, 3), { config: stopOnly }).actions, ["stop:agent"]);
  const none = run(times(LOAD, 3), {
    config: stopOnly,
    attribution: { available: false, byContainer: {}, unattributedBytes: 0 },
  });
  assert.deepEqual(none.actions, []);
  assert.deepEqual(none.notes, ["trip", "ladder-exhausted"]);
});

Deno.test("hysteresis: between the watermarks neither trips nor clears; three under 85 % clear", () => {
  const tripped = run(times(LOAD, 3), { ollamaModels: null }).state;
  const between = run([...times(BETWEEN, 5), ...times(IDLE, 2)], {}, tripped);
  assert.deepEqual(between.actions, []);
  assert.equal(between.state.tripped, true);
  const cleared = run(times(IDLE, 1), {
    containers: CONTAINERS.map((c) => c.name === "ingest" ? { ...c, state: "paused" } : c),
  }, between.state);
  assert.deepEqual(cleared.actions, ["unpause:ingest"]);
  assert.deepEqual(cleared.notes, ["clear"]);
  assert.deepEqual(cleared.state.paused, []);
  assert.equal(cleared.state.nextRung, 0);
});

Deno.test("on clear only what breakwater paused is resumed; a person's pause stays", () => {
  const tripped = run(times(LOAD, 3), { ollamaModels: null }).state;
  const nowPaused = CONTAINERS.map((c) => c.name === "ingest" ? { ...c, state: "paused" } : c);
  const { actions } = run(
    times(IDLE, 3).map((step) => ({ ...step, containers: nowPaused })),
    {},
    tripped,
  );
  assert.deepEqual(actions, ["unpause:ingest"]);
});

Deno.test("a container a person already unpaused is not unpaused again", () => {
  const tripped = run(times(LOAD, 3), { ollamaModels: null }).state;
  const { actions, state } = run(times(IDLE, 3), {}, tripped);
  assert.deepEqual(actions, []);
  assert.deepEqual(state.paused, []);
});

Deno.test("owner, protected and hand-paused containers are never touched", () => {
  const steps: Step[] = [0, 2, 4, 20, 40, 60].map((second) => ({
    sample: LOAD,
    at: T0 + second * 1_000,
  }));
  const { rawActions } = run(steps);
  const touched = rawActions.flatMap((action) =>
    "container" in action ? [action.container.name] : []
  );
  for (const untouchable of ["ollama", "grafana", "hand-paused"]) {
    assert.ok(!touched.includes(untouchable), `${untouchable} was touched`);
  }
});

Deno.test("stopped containers are started again on clear only when configured", () => {
  const stopOnly = { ...config, gpu: { ...config.gpu, ladder: ["stop-top-vram" as const] } };
  const tripped = run(times(LOAD, 3), { config: stopOnly }).state;
  const exited = CONTAINERS.map((c) => c.name === "agent" ? { ...c, state: "exited" } : c);
  const steps = times(IDLE, 3).map((step) => ({ ...step, containers: exited }));
  assert.deepEqual(run(steps, { config: stopOnly }, tripped).actions, []);
  const restart = { ...stopOnly, gpu: { ...stopOnly.gpu, restartStopped: true } };
  assert.deepEqual(run(steps, { config: restart }, tripped).actions, ["start:agent"]);
});

Deno.test("disarmed: trips and journals, climbs nothing", () => {
  const { actions, notes, state } = run(times(LOAD, 5), {}, {
    ...initialGpuWatchState(),
    armed: false,
  });
  assert.deepEqual(actions, []);
  assert.deepEqual(notes, ["trip"]);
  assert.equal(state.tripped, true);
});

Deno.test("planning is pure", () => {
  const state = run(times(LOAD, 2)).state;
  const frozen = structuredClone(state);
  const input = {
    sample: LOAD,
    containers: CONTAINERS,
    attribution: ATTRIBUTION,
    ollamaModels: MODELS,
    config,
    now: T0,
    state,
  };
  assert.deepEqual(planPressure(input), planPressure(input));
  assert.deepEqual(state, frozen);
});

Deno.test("a pause is held only once done: a failed pause, then a person's pause, is never undone", () => {
  const input = {
    sample: LOAD,
    containers: CONTAINERS,
    attribution: ATTRIBUTION,
    ollamaModels: null,
    config,
  };
  let state = initialGpuWatchState();
  let pauses: GpuAction[] = [];
  for (let index = 0; index < 3; index++) {
    const plan = planPressure({ ...input, now: T0 + index * 2_000, state });
    state = plan.state; // the pause failed: nothing recorded
    pauses = plan.actions;
  }
  assert.deepEqual(pauses.map(describe), ["pause:ingest"]);
  assert.deepEqual(state.paused, []);
  const handPaused = CONTAINERS.map((c) => c.name === "ingest" ? { ...c, state: "paused" } : c);
  const { actions } = run(
    times(IDLE, 3).map((step) => ({ ...step, containers: handPaused })),
    {},
    state,
  );
  assert.deepEqual(actions, []);
});

Deno.test("arming or disarming changes only armed, and the same state when it already is", () => {
  const held = recordHeld({ ...initialGpuWatchState(), highStreak: 2 }, "pause", {
    name: "bot",
    id: "id-bot",
  }, 1_000);
  const disarmed = armWatchdog(held, false);
  assert.deepEqual(disarmed, { ...held, armed: false });
  assert.equal(armWatchdog(disarmed, false), disarmed);
  assert.deepEqual(armWatchdog(disarmed, true), held);
});
