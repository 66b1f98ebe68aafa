import assert from "node:assert/strict";
import { configSchema } from "../config/schema.ts";
import { initialGpuWatchState } from "../gpu/watch_state.ts";
import { emptyHealState, freshContainerState } from "../heal/heal_state.ts";
import type { ContainerMetricsRow } from "../health/mod.ts";
import { schemaComponents, StatusSchema } from "./api_schemas.ts";
import { openApiDocument } from "./openapi.ts";
import { buildStatus } from "./status.ts";

const row: ContainerMetricsRow = {
  name: "ollama",
  id: "a1",
  image: "ollama/ollama:0.12.6",
  state: "running",
  health: "unhealthy",
  restarts: 0,
  startedAt: "2026-12-01T10:00:00.000Z",
  unhealthySince: "2026-12-01T10:05:00.000Z",
  uptimeSeconds: 600,
  cpuPercent: 12.5,
  memoryBytes: 1_000,
  memoryLimitBytes: 0,
  nanoCpus: 0,
  cpuLimited: false,
  memoryLimited: false,
  heal: true,
  protected: false,
  cpuSeconds: 3,
  pausedByBreakwater: false,
  gaveUp: false,
  gpuOwner: true,
  labels: { "breakwater.gpu-owner": "true" },
};

/** A status with every part filled: a GPU reading, a pending hold, heal state, a probe. */
function fullStatus() {
  const now = Date.parse("2026-12-01T10:10:00.000Z");
  const gpuState = {
    ...initialGpuWatchState(),
    tripped: true,
    paused: [{ name: "ingest", id: "b2", at: now - 1_000, pending: true as const }],
  };
  const healState = emptyHealState();
  healState.containers.ollama = {
    ...freshContainerState("a1"),
    backoffRestarts: 1,
    lastRestartAt: now,
  };
  return buildStatus({
    config: { ...configSchema.parse({}), stateDir: "/tmp/state" },
    rows: [row],
    rowsReadAt: now,
    engine: { reachable: true, address: "unix:///var/run/docker.sock" },
    gpu: {
      enabled: true,
      source: "nvml",
      reason: "NVML",
      observation: {
        sample: {
          ok: true,
          source: "nvml",
          time: now,
          gpus: [{
            index: 0,
            name: "NVIDIA H200",
            uuid: "GPU-1",
            memoryTotalBytes: 1,
            memoryUsedBytes: 1,
            utilizationPercent: 1,
            memoryUtilizationPercent: null,
            temperatureCelsius: 30,
            powerWatts: 100,
            powerLimitWatts: 700,
            processes: [{ pid: 1, usedMemoryBytes: 1 }],
          }],
        },
        containers: [],
        attribution: { available: true, byContainer: { ollama: 1 }, unattributedBytes: 0 },
        ollamaModels: null,
      },
    },
    gpuState,
    healState,
    breakwaterRestarts: new Map([["ollama", 1]]),
    lastActions: new Map([["ollama", {
      action: "restart",
      actor: "policy",
      result: "ok",
      at: "2026-12-01T10:09:00.000Z",
    }]]),
    probes: [{
      name: "ollama",
      url: "http://127.0.0.1:11434/",
      up: false,
      latencyMs: 5,
      error: "x",
    }],
    now,
  });
}

Deno.test("schemas: the status the daemon builds is exactly what its schema says, and a field more fails", () => {
  const status = fullStatus();
  assert.deepEqual(StatusSchema.parse(status), status);
  const drifted = structuredClone(status) as Record<string, unknown> & typeof status;
  (drifted.containers[0] as Record<string, unknown>).cpuSeconds = 3;
  assert.throws(() => StatusSchema.parse(drifted), /unrecognized_keys[^]*cpuSeconds/);
});

Deno.test("schemas: the OpenAPI document's components are the schemas, referenced by name", () => {
  const components = openApiDocument.components.schemas as Record<string, Record<string, unknown>>;
  assert.deepEqual(components, schemaComponents());
  assert.deepEqual(Object.keys(components).sort(), [
    "ActionResult",
    "Container",
    "Error",
    "Gpu",
    "HealContainer",
    "Healthz",
    "Held",
    "Journal",
    "JournalEntry",
    "LastAction",
    "Probe",
    "Status",
    "Watchdog",
    "WatchdogResult",
  ]);
  const watchdog = components.Watchdog as { properties: { paused: unknown } };
  assert.deepEqual(watchdog.properties.paused, {
    type: "array",
    items: { $ref: "#/components/schemas/Held" },
  });
  assert.equal("$schema" in components.Status, false);
});
