import assert from "node:assert/strict";
import { planEnv } from "./stack_env.ts";

const facts = {
  token: "t0k3n",
  user: "1000:1000",
  composeFile: "compose.yaml",
  dataRoot: "/data/bw",
};
const fresh = { preset: "ollama-24gb", grafanaPassword: "pw", openclawToken: "oc" };

Deno.test(".env plan: a new one gets every key, the data folders under the data root", () => {
  const plan = planEnv(null, facts, fresh);
  assert.deepEqual(Object.fromEntries(plan.set), {
    BREAKWATER_TOKEN: "t0k3n",
    BREAKWATER_USER: "1000:1000",
    COMPOSE_FILE: "compose.yaml",
    OLLAMA_PRESET: "ollama-24gb",
    GF_ADMIN_PASSWORD: "pw",
    OPENCLAW_GATEWAY_TOKEN: "oc",
    MODELS_DIR: "/data/bw/ollama",
    PROMETHEUS_DIR: "/data/bw/prometheus",
    GRAFANA_DIR: "/data/bw/grafana",
    ALERTMANAGER_DIR: "/data/bw/alertmanager",
    OPENCLAW_DIR: "/data/bw/openclaw",
  });
  assert.deepEqual(plan.changes, []);
});

Deno.test(".env plan: an older one keeps the user's lines, gets up's three keys true and the missing folders beside its others", () => {
  const older = {
    BREAKWATER_TOKEN: "old-token",
    OLLAMA_PRESET: "ollama-8gb",
    GF_ADMIN_PASSWORD: "mine",
    MODELS_DIR: "/disk/models/ollama",
    PROMETHEUS_DIR: "/disk/models/prometheus",
    GRAFANA_DIR: "/disk/models/grafana",
  };
  const plan = planEnv(older, facts, fresh);
  assert.deepEqual(Object.fromEntries(plan.set), {
    BREAKWATER_TOKEN: "t0k3n",
    BREAKWATER_USER: "1000:1000",
    COMPOSE_FILE: "compose.yaml",
    ALERTMANAGER_DIR: "/disk/models/alertmanager",
    OPENCLAW_DIR: "/disk/models/openclaw",
  });
  assert.deepEqual(plan.changes, [
    "BREAKWATER_TOKEN changed (breakwater's token)",
    "BREAKWATER_USER added (you run the services that write files)",
    "COMPOSE_FILE added (the compose files for this engine)",
    "ALERTMANAGER_DIR added: /disk/models/alertmanager",
    "OPENCLAW_DIR added: /disk/models/openclaw",
  ]);
  const current = { ...older, ...Object.fromEntries(plan.set) };
  assert.deepEqual(planEnv(current, facts, fresh), { set: new Map(), changes: [] }, "then nothing");
  assert.deepEqual(
    planEnv(current, { ...facts, composeFile: "compose.yaml:compose.gpu.yaml" }, fresh).changes,
    ["COMPOSE_FILE changed (the compose files for this engine): was compose.yaml"],
  );
});
