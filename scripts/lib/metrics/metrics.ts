import process from "node:process";
import client from "prom-client";
import type { GpuConfig } from "../config/schema.ts";
import type { VramAttribution } from "../gpu/attribution.ts";
import type { GpuSample } from "../gpu/gpu_reading.ts";
import type { GpuWatchState } from "../gpu/watch_state.ts";
import type { ContainerMetricsRow } from "../health/mod.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import type { ProbeResult } from "../probes/probe.ts";
import { CONTAINER_ACTIONS } from "../executor/container_actions.ts";

const HEALTH_STATES = ["healthy", "unhealthy", "starting", "none"] as const;

/** Journal actions drawn on the dashboards' graphs: what breakwater or a person did. */
export const ANNOTATED_ACTIONS: ReadonlySet<string> = new Set([
  ...CONTAINER_ACTIONS,
  "unload-model",
  "give-up",
  "gpu-trip",
  "gpu-clear",
  "watchdog-arm",
  "watchdog-disarm",
]);

/** An action on a container, as the status shows it. */
export interface LastAction {
  action: string;
  actor: string;
  result: string;
  /** When it was journaled (ISO 8601). */
  at: string;
}

/** Reasons are cut to this many characters in labels: enough to read, bounded for Prometheus. */
const REASON_LABEL_CHARS = 160;

/**
 * Everything breakwater exports on `/metrics`, in Prometheus naming: `breakwater_` prefix, base
 * units, `_total` counters. Enough for the KPI dashboards without cAdvisor or dcgm-exporter.
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly #gpuLabels = ["gpu", "uuid", "name"];
  readonly #gauges = {
    gpuMemoryUsed: this.#gauge(
      "gpu_memory_used_bytes",
      "VRAM in use, without driver-reserved memory.",
      this.#gpuLabels,
    ),
    gpuMemoryTotal: this.#gauge("gpu_memory_total_bytes", "VRAM in all.", this.#gpuLabels),
    gpuUtilization: this.#gauge(
      "gpu_utilization_ratio",
      "GPU busy time over the last sample period, 0–1.",
      this.#gpuLabels,
    ),
    gpuTemperature: this.#gauge(
      "gpu_temperature_celsius",
      "GPU core temperature.",
      this.#gpuLabels,
    ),
    gpuPower: this.#gauge("gpu_power_watts", "GPU power draw.", this.#gpuLabels),
    gpuPowerLimit: this.#gauge(
      "gpu_power_limit_watts",
      "GPU enforced power limit.",
      this.#gpuLabels,
    ),
    containerVram: this.#gauge(
      "container_gpu_memory_bytes",
      "VRAM held by a container's processes.",
      ["container"],
    ),
    cpuLimit: this.#gauge(
      "container_cpu_limit_cores",
      "CPU limit in cores (limited containers only).",
      ["container"],
    ),
    memoryWorkingSet: this.#gauge(
      "container_memory_working_set_bytes",
      "Memory in use less reclaimable page cache.",
      ["container"],
    ),
    memoryLimit: this.#gauge(
      "container_memory_limit_bytes",
      "Memory limit (limited containers only).",
      ["container"],
    ),
    health: this.#gauge("container_health_state", "1 for the container's current health state.", [
      "container",
      "state",
    ]),
    running: this.#gauge("container_running", "1 while the container runs, 0 otherwise.", [
      "container",
    ]),
    dockerRestarts: this.#gauge("container_docker_restarts", "Docker's own restart count.", [
      "container",
    ]),
    pausedByBreakwater: this.#gauge(
      "container_paused_by_breakwater",
      "1 while breakwater holds the container paused.",
      ["container"],
    ),
    info: this.#gauge("container_info", "Constant 1, with the container's roles as labels.", [
      "container",
      "image",
      "heal",
      "protected",
      "gpu_owner",
    ]),
    engineUp: this.#gauge("engine_up", "1 when the Docker engine answered the last sample.", []),
    watchdogStreak: this.#gauge(
      "watchdog_streak",
      "Readings in a row over the high (kind=high) or under the low (kind=low) watermark, up to the target.",
      ["kind"],
    ),
    watchdogStreakTarget: this.#gauge(
      "watchdog_streak_target",
      "Readings in a row that trip (kind=high) or clear (kind=low).",
      ["kind"],
    ),
    watchdogArmed: this.#gauge("watchdog_armed", "1 when the GPU watchdog may act.", []),
    watchdogRunning: this.#gauge(
      "watchdog_running",
      "1 when this daemon runs the GPU watchdog (a GPU is read and gpu.enabled is on).",
      [],
    ),
    watchdogTripped: this.#gauge("watchdog_tripped", "1 while GPU pressure is tripped.", []),
    watchdogRung: this.#gauge(
      "watchdog_next_rung",
      "The ladder rung the next trip climbs, 0-based.",
      [],
    ),
    watchdogHeld: this.#gauge(
      "watchdog_held_containers",
      "Containers breakwater holds paused or stopped.",
      ["kind"],
    ),
    probeUp: this.#gauge("probe_up", "1 when the probe's last answer was 2xx in time.", ["probe"]),
    gaveUp: this.#gauge(
      "container_gave_up",
      "1 while breakwater has given up restarting the container (until it is healthy long enough).",
      ["container"],
    ),
    gpuReadingKnown: this.#gauge(
      "gpu_reading_known",
      "1 when the last GPU reading was complete, 0 when it failed or came back partial.",
      [],
    ),
    actionTime: this.#gauge(
      "action_timestamp_seconds",
      "When breakwater last took this action on this container (seconds since the epoch), with the reason, actor and result of that time; for annotations.",
      ["action", "container", "actor", "reason", "result"],
    ),
  };
  /** The labels of each (action, container)'s latest series, so a newer one replaces it. */
  readonly #actionSeries = new Map<string, client.LabelValues<string>>();
  /** Restarts breakwater made per present container since it started: the counter's values. */
  readonly #restartCounts = new Map<string, number>();
  readonly #lastActions = new Map<string, LastAction>();
  readonly #cpuSeconds = new client.Counter({
    name: "breakwater_container_cpu_usage_seconds_total",
    help: "Cumulative CPU time of the container's processes.",
    labelNames: ["container"],
    registers: [this.registry],
  });
  readonly #breakwaterRestarts = this.#counter(
    "container_restarts_total",
    "Restarts breakwater made.",
    ["container"],
  );
  readonly #actions = this.#counter("actions_total", "Journal entries by action and result.", [
    "action",
    "result",
  ]);
  readonly #gpuReadErrors = this.#counter(
    "gpu_read_errors_total",
    "GPU readings that failed or came back partial.",
    ["source"],
  );
  readonly #gpuReadings = this.#counter("gpu_readings_total", "GPU readings taken.", ["source"]);
  readonly #notifications = this.#counter(
    "notifications_total",
    "Notifications by channel and result.",
    ["channel", "result"],
  );
  readonly #faults = this.#counter(
    "faults_total",
    "Failures that degrade the daemon: state or journal writes, engine calls, accepts.",
    ["kind"],
  );
  readonly #degraded = this.#gauge(
    "degraded",
    "1 while a fault of this kind is in force (see /healthz for the reason).",
    ["kind"],
  );
  readonly #probeDuration = new client.Histogram({
    name: "breakwater_probe_duration_seconds",
    help:
      "Time a probe took to answer (result=up) or to fail (result=down); latency targets read result=up only.",
    labelNames: ["probe", "result"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    this.#processMetrics();
  }

  /** The exposition text for `/metrics`. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type Prometheus expects. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Replaces every per-container series with the latest sample; removed containers vanish. */
  observeContainers(rows: readonly ContainerMetricsRow[]): void {
    const g = this.#gauges;
    for (
      const gauge of [
        g.cpuLimit,
        g.memoryWorkingSet,
        g.memoryLimit,
        g.health,
        g.running,
        g.dockerRestarts,
        g.pausedByBreakwater,
        g.gaveUp,
        g.info,
      ]
    ) {
      gauge.reset();
    }
    this.#cpuSeconds.reset();
    this.#startRestartCounters(rows.map((row) => row.name));
    g.engineUp.set(1);
    for (const row of rows) {
      const container = row.name;
      if (row.cpuLimited) g.cpuLimit.set({ container }, row.nanoCpus / 1e9);
      if (row.memoryLimited) g.memoryLimit.set({ container }, row.memoryLimitBytes);
      if (row.memoryBytes !== null) g.memoryWorkingSet.set({ container }, row.memoryBytes);
      if (row.cpuSeconds !== null) this.#cpuSeconds.inc({ container }, row.cpuSeconds);
      for (const state of HEALTH_STATES) {
        g.health.set({ container, state }, row.health === state ? 1 : 0);
      }
      g.running.set({ container }, row.state === "running" ? 1 : 0);
      g.dockerRestarts.set({ container }, row.restarts);
      g.pausedByBreakwater.set({ container }, row.pausedByBreakwater ? 1 : 0);
      g.gaveUp.set({ container }, row.gaveUp ? 1 : 0);
      g.info.set({
        container,
        image: row.image,
        heal: String(row.heal),
        protected: String(row.protected),
        gpu_owner: String(row.gpuOwner),
      }, 1);
    }
  }

  /** The engine did not answer the last sample. */
  engineDown(): void {
    this.#gauges.engineUp.set(0);
  }

  /** The latest GPU reading and the VRAM each container holds. */
  observeGpu(sample: GpuSample, attribution: VramAttribution | null, unknown: boolean): void {
    const g = this.#gauges;
    this.#gpuReadings.inc({ source: sample.source });
    if (unknown) this.#gpuReadErrors.inc({ source: sample.source });
    g.gpuReadingKnown.set(unknown ? 0 : 1);
    if (!sample.ok) return;
    for (
      const gauge of [
        g.gpuMemoryUsed,
        g.gpuMemoryTotal,
        g.gpuUtilization,
        g.gpuTemperature,
        g.gpuPower,
        g.gpuPowerLimit,
      ]
    ) {
      gauge.reset();
    }
    for (const gpu of sample.gpus) {
      const labels = { gpu: String(gpu.index), uuid: gpu.uuid, name: gpu.name };
      const set = (gauge: client.Gauge, value: number | null) =>
        value !== null && gauge.set(labels, value);
      set(g.gpuMemoryUsed, gpu.memoryUsedBytes);
      set(g.gpuMemoryTotal, gpu.memoryTotalBytes);
      set(g.gpuUtilization, gpu.utilizationPercent === null ? null : gpu.utilizationPercent / 100);
      set(g.gpuTemperature, gpu.temperatureCelsius);
      set(g.gpuPower, gpu.powerWatts);
      set(g.gpuPowerLimit, gpu.powerLimitWatts);
    }
    g.containerVram.reset();
    if (attribution?.available) {
      for (const [container, bytes] of Object.entries(attribution.byContainer)) {
        g.containerVram.set({ container }, bytes);
      }
    }
  }

  /** Whether this daemon runs the GPU watchdog: its other gauges mean something only then. */
  watchdogRuns(running: boolean): void {
    this.#gauges.watchdogRunning.set(running ? 1 : 0);
  }

  /** The GPU watchdog's state. */
  observeWatchdog(state: GpuWatchState, config: GpuConfig): void {
    const g = this.#gauges;
    g.watchdogStreak.set({ kind: "high" }, state.highStreak);
    g.watchdogStreak.set({ kind: "low" }, state.lowStreak);
    g.watchdogStreakTarget.set({ kind: "high" }, config.streak);
    g.watchdogStreakTarget.set({ kind: "low" }, config.clearStreak);
    g.watchdogArmed.set(state.armed ? 1 : 0);
    g.watchdogTripped.set(state.tripped ? 1 : 0);
    g.watchdogRung.set(state.nextRung);
    g.watchdogHeld.set({ kind: "paused" }, state.paused.length);
    g.watchdogHeld.set({ kind: "stopped" }, state.stopped.length);
  }

  /**
   * Restarts breakwater made per container since it started (`breakwater_container_restarts_total`),
   * for the status the panel shows beside the engine's own count.
   */
  get breakwaterRestarts(): ReadonlyMap<string, number> {
    return this.#restartCounts;
  }

  /**
   * The latest annotated action on each container (see {@linkcode markAction}), for the status the
   * panel shows: what was done to it last, by whom, and how it went.
   */
  get lastActions(): ReadonlyMap<string, LastAction> {
    return this.#lastActions;
  }

  /** Counts a journal entry, and a restart breakwater made; marks an action for annotations. */
  recordEntry(entry: JournalEntry): void {
    this.#actions.inc({ action: entry.action, result: entry.result });
    if (entry.action === "restart" && entry.result === "ok" && entry.container) {
      const container = entry.container.name;
      this.#breakwaterRestarts.inc({ container });
      this.#restartCounts.set(container, (this.#restartCounts.get(container) ?? 0) + 1);
    }
    this.markAction(entry);
  }

  /**
   * Sets the time of an annotated action (see {@linkcode ANNOTATED_ACTIONS}) on its
   * `(action, container)` series, replacing that pair's previous one: one series per pair, so
   * free-text reasons cannot grow the series without bound. Skips are not actions.
   */
  markAction(entry: JournalEntry): void {
    if (!ANNOTATED_ACTIONS.has(entry.action) || entry.result === "skipped") return;
    const time = Date.parse(entry.time);
    if (Number.isNaN(time)) return;
    const container = entry.container?.name ?? "";
    const key = `${entry.action}\u0000${container}`;
    const previous = this.#actionSeries.get(key);
    if (previous) this.#gauges.actionTime.remove(previous);
    const labels = {
      action: entry.action,
      container,
      actor: entry.actor,
      reason: entry.reason.length > REASON_LABEL_CHARS
        ? `${entry.reason.slice(0, REASON_LABEL_CHARS - 1)}…`
        : entry.reason,
      result: entry.result,
    };
    this.#gauges.actionTime.set(labels, time / 1_000);
    this.#actionSeries.set(key, labels);
    const last = this.#lastActions.get(container);
    if (entry.container && (!last || Date.parse(last.at) <= time)) {
      const { action, actor, result } = entry;
      this.#lastActions.set(container, { action, actor, result, at: new Date(time).toISOString() });
    }
  }

  /** A probe's answer (or failure) and how long it took. */
  observeProbe(result: ProbeResult): void {
    this.#probeDuration.observe(
      { probe: result.name, result: result.up ? "up" : "down" },
      result.latencyMs / 1_000,
    );
    this.#gauges.probeUp.set({ probe: result.name }, result.up ? 1 : 0);
  }

  /** A failure of `kind` (state or journal write, engine, accept): counted, and degraded. */
  recordFault(kind: string): void {
    this.#faults.inc({ kind });
    this.#degraded.set({ kind }, 1);
  }

  /** `kind` works again. */
  clearFault(kind: string): void {
    this.#degraded.set({ kind }, 0);
  }

  /** A notification sent or given up on. */
  recordNotification(channel: string, result: "sent" | "failed" | "dropped"): void {
    this.#notifications.inc({ channel, result });
  }

  /**
   * Gives every present container a restart series from 0, so the first restart is an increase
   * Prometheus can see (a series born at 1 is not), and drops those of removed containers.
   */
  #startRestartCounters(names: readonly string[]): void {
    const present = new Set(names);
    for (const container of this.#restartCounts.keys()) {
      if (!present.has(container)) {
        this.#breakwaterRestarts.remove({ container });
        this.#restartCounts.delete(container);
      }
    }
    for (const container of present) {
      if (this.#restartCounts.has(container)) continue;
      this.#breakwaterRestarts.inc({ container }, 0);
      this.#restartCounts.set(container, 0);
    }
  }

  /** The daemon's own footprint, read at each scrape. */
  #processMetrics(): void {
    const startTime = Math.round(Date.now() / 1_000 - performance.now() / 1_000);
    const registers = [this.registry];
    new client.Gauge({
      name: "breakwater_process_resident_memory_bytes",
      help: "Resident memory of the breakwater process.",
      registers,
      collect() {
        this.set(Deno.memoryUsage().rss);
      },
    });
    new client.Gauge({
      name: "breakwater_process_heap_used_bytes",
      help: "JavaScript heap in use.",
      registers,
      collect() {
        this.set(Deno.memoryUsage().heapUsed);
      },
    });
    new client.Counter({
      name: "breakwater_process_cpu_seconds_total",
      help: "User and system CPU time of the breakwater process.",
      registers,
      collect() {
        const usage = process.cpuUsage();
        this.reset();
        this.inc((usage.user + usage.system) / 1e6);
      },
    });
    new client.Gauge({
      name: "breakwater_process_start_time_seconds",
      help: "When the breakwater process started, seconds since the epoch.",
      registers,
      collect() {
        this.set(startTime);
      },
    });
  }

  #gauge(name: string, help: string, labelNames: string[]): client.Gauge {
    return new client.Gauge({
      name: `breakwater_${name}`,
      help,
      labelNames,
      registers: [this.registry],
    });
  }

  #counter(name: string, help: string, labelNames: string[]): client.Counter {
    return new client.Counter({
      name: `breakwater_${name}`,
      help,
      labelNames,
      registers: [this.registry],
    });
  }
}
