import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import { initialGpuWatchState } from "../gpu/watch_state.ts";
import { parseQueryGpuCsv } from "../gpu/nvidia_smi_csv.ts";
import type { ContainerMetricsRow } from "../health/mod.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { Metrics } from "./metrics.ts";

const row = (name: string, overrides: Partial<ContainerMetricsRow> = {}): ContainerMetricsRow => ({
  name,
  id: `id-${name}`,
  image: "busybox",
  state: "running",
  health: "healthy",
  restarts: 1,
  startedAt: null,
  unhealthySince: null,
  uptimeSeconds: 10,
  cpuPercent: 5,
  memoryBytes: 1_000,
  memoryLimitBytes: 2_000,
  nanoCpus: 500_000_000,
  cpuLimited: true,
  memoryLimited: true,
  heal: true,
  protected: false,
  cpuSeconds: 12.5,
  pausedByBreakwater: false,
  gaveUp: false,
  gpuOwner: false,
  labels: {},
  ...overrides,
});

Deno.test("container, GPU and watchdog figures in Prometheus naming; removed containers vanish", async () => {
  const metrics = new Metrics();
  metrics.observeContainers([
    row("api"),
    row("db", { cpuLimited: false, memoryLimited: false, health: "unhealthy", gaveUp: true }),
  ]);
  const gpus = parseQueryGpuCsv(Deno.readTextFileSync(
    new URL(
      "../../../tests/fixtures/nvidia/h200-driver580/load/smi_query_nounits.csv",
      import.meta.url,
    ),
  ));
  metrics.observeGpu({ ok: true, source: "nvidia-smi", time: 0, gpus }, null, false);
  metrics.observeGpu({ ok: false, source: "nvidia-smi", time: 0, error: "x" }, null, true);
  const config = parseConfigText("", { file: "t.yaml", env: () => undefined });
  metrics.observeWatchdog({ ...initialGpuWatchState(), highStreak: 2 }, config.gpu);
  metrics.recordEntry({
    time: "",
    action: "restart",
    container: { name: "api", id: "x" },
    reason: "",
    details: {},
    actor: "policy",
    result: "ok",
  });
  const text = await metrics.text();
  const has = (line: string) => assert.ok(text.split("\n").includes(line), `missing: ${line}`);
  has('breakwater_container_cpu_usage_seconds_total{container="api"} 12.5');
  has('breakwater_container_cpu_limit_cores{container="api"} 0.5');
  has('breakwater_container_memory_limit_bytes{container="api"} 2000');
  has('breakwater_container_health_state{container="db",state="unhealthy"} 1');
  has('breakwater_container_health_state{container="db",state="healthy"} 0');
  has(
    'breakwater_gpu_memory_used_bytes{gpu="0",uuid="GPU-318da158-5148-7bd2-79cf-e1b0379fd5c0",name="NVIDIA H200"} 145998479360',
  );
  has(
    'breakwater_gpu_utilization_ratio{gpu="0",uuid="GPU-318da158-5148-7bd2-79cf-e1b0379fd5c0",name="NVIDIA H200"} 1',
  );
  has('breakwater_gpu_read_errors_total{source="nvidia-smi"} 1');
  has("breakwater_gpu_reading_known 0");
  has('breakwater_container_gave_up{container="db"} 1');
  has('breakwater_container_gave_up{container="api"} 0');
  has('breakwater_container_restarts_total{container="db"} 0');
  has('breakwater_watchdog_streak{kind="high"} 2');
  has('breakwater_container_restarts_total{container="api"} 1');
  has('breakwater_actions_total{action="restart",result="ok"} 1');
  assert.doesNotMatch(
    text,
    /container_cpu_limit_cores\{container="db"\}/,
    "unlimited: no limit series",
  );
  metrics.observeContainers([row("api")]);
  assert.doesNotMatch(await metrics.text(), /container="db"/);
});

const entry = (overrides: Partial<JournalEntry>): JournalEntry => ({
  time: "2026-11-30T10:00:00.000Z",
  action: "restart",
  container: { name: "api", id: "x" },
  reason: "unhealthy",
  details: {},
  actor: "policy",
  result: "ok",
  ...overrides,
});

Deno.test("each action on each container is one series whose value is the time it was taken", async () => {
  const metrics = new Metrics();
  metrics.recordEntry(entry({}));
  metrics.recordEntry(
    entry({ time: "2026-11-30T10:05:00.000Z", actor: "grafana:ada", reason: "asked" }),
  );
  metrics.recordEntry(entry({ action: "pause", reason: "GPU pressure" }));
  metrics.recordEntry(
    entry({ action: "restart", container: { name: "db", id: "y" }, result: "skipped" }),
  );
  metrics.recordEntry(entry({ action: "probe-down", container: null }));
  metrics.recordEntry(
    entry({ action: "gpu-trip", container: null, result: "noted", reason: "x".repeat(400) }),
  );
  const at = (iso: string) => Date.parse(iso) / 1_000;
  const series = (await metrics.text()).split("\n").filter((line) =>
    line.startsWith("breakwater_action_timestamp_seconds{")
  );
  assert.deepEqual(series.sort(), [
    `breakwater_action_timestamp_seconds{action="gpu-trip",container="",actor="policy",reason="${
      "x".repeat(159)
    }…",result="noted"} ${at("2026-11-30T10:00:00.000Z")}`,
    `breakwater_action_timestamp_seconds{action="pause",container="api",actor="policy",reason="GPU pressure",result="ok"} ${
      at("2026-11-30T10:00:00.000Z")
    }`,
    `breakwater_action_timestamp_seconds{action="restart",container="api",actor="grafana:ada",reason="asked",result="ok"} ${
      at("2026-11-30T10:05:00.000Z")
    }`,
  ]);
  assert.deepEqual(Object.fromEntries(metrics.lastActions), {
    api: { action: "restart", actor: "grafana:ada", result: "ok", at: "2026-11-30T10:05:00.000Z" },
  }, "the latest action per container; skips and container-less entries are not one");
});
