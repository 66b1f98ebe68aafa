import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import { testSnapshot } from "../engine/_test_snapshot.ts";
import { backoffDelay } from "./backoff.ts";
import {
  type HealDecision,
  observeHealEvent,
  planHeal,
  pruneHealState,
  recordRestart,
} from "./heal_policy.ts";
import { emptyHealState, type HealState } from "./heal_state.ts";

const config = parseConfigText(
  "heal:\n  containers: [web-*]\n  giveUp: { maxRestarts: 3, window: 1h }\nprotected: [grafana]\n",
  { file: "test.yaml", env: () => undefined },
);
const T0 = Date.parse("2026-01-01T00:00:00Z");

const container = testSnapshot;

/** Plans, then counts each restart as the executor does once the engine has done it. */
function plan(
  snapshots: ContainerSnapshot[],
  state: HealState = emptyHealState(),
  now = T0,
  policyConfig = config,
) {
  const result = planHeal({ snapshots, state, config: policyConfig, now });
  return { ...result, state: restarted(result.state, result.decisions, now) };
}

const restarted = (state: HealState, decisions: HealDecision[], at: number) =>
  decisions.reduce(
    (counted, decision) =>
      decision.kind === "restart" ? recordRestart(counted, decision.container, at) : counted,
    state,
  );

const neverGiveUp = {
  ...config,
  heal: { ...config.heal, giveUp: { maxRestarts: 0, window: 3_600_000 } },
};

const kinds = (decisions: HealDecision[]) =>
  decisions.map((decision) =>
    `${decision.kind}:${decision.container.name}${
      decision.kind === "skip" ? `:${decision.code}` : ""
    }`
  );

Deno.test("backoff: nothing before the first restart, then 10 s doubling up to 5 min", () => {
  const settings = config.heal.backoff;
  const delays = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((restarts) =>
    backoffDelay(restarts, settings) / 1_000
  );
  assert.deepEqual(delays, [0, 10, 20, 40, 80, 160, 300, 300, 300]);
});

Deno.test("opt-in: breakwater.heal, autoheal and config patterns; nothing else is touched", () => {
  const result = plan([
    container({ name: "a", id: "a", labels: { "breakwater.heal": "true" } }),
    container({ name: "b", id: "b", labels: { autoheal: "true" } }),
    container({ name: "web-1", id: "c", labels: {} }),
    container({ name: "other", id: "d", labels: {} }),
    container({ name: "off", id: "e", labels: { "breakwater.heal": "false" } }),
  ]);
  assert.deepEqual(kinds(result.decisions), ["restart:a", "restart:b", "restart:web-1"]);
  assert.deepEqual(Object.keys(result.state.containers).sort(), ["a", "b", "web-1"]);
});

Deno.test("healthy, starting and stopped containers are not restarted", () => {
  const result = plan([
    container({ name: "h", id: "h", health: "healthy" }),
    container({ name: "s", id: "s", health: "starting" }),
    container({ name: "x", id: "x", state: "exited" }),
    container({ name: "r", id: "r", state: "restarting" }),
  ]);
  assert.deepEqual(result.decisions, []);
});

Deno.test("a planned restart is not counted until it is done", () => {
  const planned = planHeal({ snapshots: [container()], state: emptyHealState(), config, now: T0 });
  assert.deepEqual(kinds(planned.decisions), ["restart:api"]);
  assert.equal(planned.state.containers.api.backoffRestarts, 0);
  assert.equal(planned.state.containers.api.lastRestartAt, null);
  // Not done (it failed): the next look plans it again, at once.
  const again = planHeal({ snapshots: [container()], state: planned.state, config, now: T0 + 1 });
  assert.deepEqual(kinds(again.decisions), ["restart:api"]);
  assert.equal(again.decisions[0].kind === "restart" && again.decisions[0].attempt, 1);
});

Deno.test("a probe that is down makes its container unhealthy and opted in", () => {
  const healthyUnlabelled = container({ name: "gateway", id: "g", health: "healthy", labels: {} });
  const probesDown = new Map([["gateway", "openclaw"]]);
  const result = planHeal({
    snapshots: [healthyUnlabelled],
    state: emptyHealState(),
    config,
    now: T0,
    probesDown,
  });
  assert.deepEqual(kinds(result.decisions), ["restart:gateway"]);
  assert.equal(result.decisions[0].reason, "probe openclaw is down");
  assert.deepEqual(plan([healthyUnlabelled]).decisions, []);
});

Deno.test("the first restart is immediate and counted in the state once done", () => {
  const result = plan([container()]);
  assert.deepEqual(kinds(result.decisions), ["restart:api"]);
  const decision = result.decisions[0];
  assert.equal(decision.kind === "restart" && decision.attempt, 1);
  assert.equal(decision.kind === "restart" && decision.stopTimeoutMs, 10_000);
  const entry = result.state.containers.api;
  assert.equal(entry.backoffRestarts, 1);
  assert.equal(entry.lastRestartAt, T0);
  assert.deepEqual(entry.recentRestarts, [T0]);
});

Deno.test("crash loop: restarts wait 10 s, 20 s … then 5 min after the previous one", () => {
  let state = emptyHealState();
  let now = T0;
  const restartTimes: number[] = [];
  for (let step = 0; step < 1_300; step++, now += 1_000) {
    const result = plan([container()], state, now, neverGiveUp);
    state = result.state;
    if (result.decisions.some((decision) => decision.kind === "restart")) restartTimes.push(now);
  }
  const gaps = restartTimes.slice(1).map((time, index) => (time - restartTimes[index]) / 1_000);
  assert.deepEqual(gaps, [10, 20, 40, 80, 160, 300, 300, 300]);
});

Deno.test("backoff skip is journaled once, with the time a restart is allowed again", () => {
  const first = plan([container()]);
  const second = plan([container()], first.state, T0 + 2_000);
  assert.deepEqual(kinds(second.decisions), ["skip:api:backoff"]);
  const skip = second.decisions[0];
  assert.equal(skip.kind === "skip" && skip.retryAt, T0 + 10_000);
  assert.equal(second.wakeAt, T0 + 10_000);
  const third = plan([container()], second.state, T0 + 4_000);
  assert.deepEqual(third.decisions, []);
  assert.equal(third.wakeAt, T0 + 10_000);
});

Deno.test("backoff counts from when the restart finished", () => {
  const first = planHeal({ snapshots: [container()], state: emptyHealState(), config, now: T0 });
  const finished = restarted(first.state, first.decisions, T0 + 8_000);
  assert.deepEqual(kinds(plan([container()], finished, T0 + 12_000).decisions), [
    "skip:api:backoff",
  ]);
  assert.deepEqual(kinds(plan([container()], finished, T0 + 18_000).decisions), ["restart:api"]);
});

Deno.test("backoff starts over after 10 minutes healthy", () => {
  let state = plan([container()]).state;
  state = plan([container()], state, T0 + 10_000).state; // second restart
  assert.equal(state.containers.api.backoffRestarts, 2);
  state = plan([container({ health: "healthy" })], state, T0 + 20_000).state;
  state = plan([container({ health: "healthy" })], state, T0 + 20_000 + 599_000).state;
  assert.equal(state.containers.api.backoffRestarts, 2, "not yet 10 minutes");
  state = plan([container({ health: "healthy" })], state, T0 + 20_000 + 600_000).state;
  assert.equal(state.containers.api.backoffRestarts, 0);
  const again = plan([container()], state, T0 + 20_000 + 601_000);
  assert.deepEqual(kinds(again.decisions), ["restart:api"]);
  assert.equal(again.decisions[0].kind === "restart" && again.decisions[0].attempt, 1);
});

Deno.test("a healthy spell shorter than the reset keeps the backoff", () => {
  let state = plan([container()]).state;
  state = plan([container({ health: "healthy" })], state, T0 + 5_000).state;
  const result = plan([container()], state, T0 + 6_000);
  assert.deepEqual(kinds(result.decisions), ["skip:api:backoff"]);
});

Deno.test("give-up after N restarts in the window, journaled once, until healthy long enough", () => {
  let state = emptyHealState();
  const decisions: string[] = [];
  for (let now = T0; now < T0 + 400_000; now += 1_000) {
    const result = plan([container()], state, now);
    state = result.state;
    decisions.push(...kinds(result.decisions).filter((kind) => !kind.endsWith(":backoff")));
  }
  assert.deepEqual(decisions, ["restart:api", "restart:api", "restart:api", "give-up:api"]);
  assert.notEqual(state.containers.api.gaveUpAt, null);
  const later = plan([container()], state, T0 + 500_000);
  assert.deepEqual(later.decisions, []);
  state = plan([container({ health: "healthy" })], state, T0 + 500_000).state;
  state = plan([container({ health: "healthy" })], state, T0 + 1_100_000).state;
  assert.equal(state.containers.api.gaveUpAt, null);
});

Deno.test("give-up only counts restarts inside the window", () => {
  let state = emptyHealState();
  for (const at of [0, 100_000, 200_000]) {
    state = plan([container()], state, T0 + at).state;
    state = plan([container({ health: "healthy" })], state, T0 + at + 1_000).state;
  }
  const result = plan([container()], state, T0 + 3_700_000);
  assert.deepEqual(kinds(result.decisions), ["restart:api"]);
});

Deno.test("a paused unhealthy container is never restarted", () => {
  const result = plan([container({ state: "paused" })]);
  assert.deepEqual(kinds(result.decisions), ["skip:api:paused"]);
  assert.equal(result.state.containers.api.backoffRestarts, 0);
  assert.deepEqual(plan([container({ state: "paused" })], result.state, T0 + 1).decisions, []);
});

Deno.test("after an unpause event, a stale unhealthy waits for a fresh probe", () => {
  let state = plan([container({ state: "paused" })]).state;
  state = observeHealEvent(state, {
    type: "container",
    action: "unpause",
    id: "id-api",
    name: "api",
    time: T0 + 5_000,
  });
  const stale = plan([container({ lastProbeStartedAt: T0 - 1_000 })], state, T0 + 5_100);
  assert.deepEqual(kinds(stale.decisions), ["skip:api:awaiting-fresh-probe"]);
  const fresh = plan([container({ lastProbeStartedAt: T0 + 6_000 })], stale.state, T0 + 6_100);
  assert.deepEqual(kinds(fresh.decisions), ["restart:api"]);
  assert.equal(fresh.state.containers.api.unpausedAt, null);
});

Deno.test("an unpause seen only as a state change (between cron runs) also waits", () => {
  const paused = plan([container({ state: "paused" })]).state;
  const result = plan([container({ lastProbeStartedAt: T0 - 1_000 })], paused, T0 + 60_000);
  assert.deepEqual(kinds(result.decisions), ["skip:api:awaiting-fresh-probe"]);
  assert.equal(result.state.containers.api.unpausedAt, T0 + 60_000);
});

Deno.test("protected containers are never restarted, by label or config", () => {
  const result = plan([
    container({ labels: { "breakwater.heal": "true", "breakwater.protected": "true" } }),
    container({ name: "grafana", id: "g" }),
  ]);
  assert.deepEqual(kinds(result.decisions), ["skip:api:protected", "skip:grafana:protected"]);
});

Deno.test("stop timeout comes from labels, breakwater's first, else config", () => {
  const restartOf = (labels: Record<string, string>) => {
    const decision = plan([container({ labels: { "breakwater.heal": "true", ...labels } })])
      .decisions[0];
    return decision.kind === "restart" ? decision.stopTimeoutMs : -1;
  };
  assert.equal(restartOf({}), 10_000);
  assert.equal(restartOf({ "autoheal.stop.timeout": "3" }), 3_000);
  assert.equal(
    restartOf({ "breakwater.stop-timeout": "1m", "autoheal.stop.timeout": "3" }),
    60_000,
  );
});

Deno.test("a recreated container keeps its name's backoff under the new id", () => {
  const first = plan([container()]);
  const result = plan([container({ id: "id-new" })], first.state, T0 + 1_000);
  assert.deepEqual(kinds(result.decisions), ["skip:api:backoff"]);
  assert.equal(result.state.containers.api.id, "id-new");
});

Deno.test("planning is pure: same input, same plan; input state untouched", () => {
  const state = plan([container()]).state;
  const frozen = structuredClone(state);
  const a = plan([container()], state, T0 + 3_000);
  const b = plan([container()], state, T0 + 3_000);
  assert.deepEqual(a, b);
  assert.deepEqual(state, frozen);
});

Deno.test("prune forgets containers that are gone and out of the window", () => {
  const state = plan([container(), container({ name: "b", id: "b" })]).state;
  const present = new Set(["api"]);
  assert.deepEqual(
    Object.keys(pruneHealState(state, present, config.heal, T0 + 60_000).containers).sort(),
    [
      "api",
      "b",
    ],
  );
  assert.deepEqual(
    Object.keys(pruneHealState(state, present, config.heal, T0 + 3_600_000).containers),
    [
      "api",
    ],
  );
});
