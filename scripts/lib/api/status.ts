import type { Config } from "../config/schema.ts";
import type { GpuObservation } from "../gpu/observe_gpu.ts";
import type { GpuWatchState } from "../gpu/watch_state.ts";
import { backoffDelay } from "../heal/backoff.ts";
import type { HealState } from "../heal/heal_state.ts";
import type { ContainerMetricsRow } from "../health/mod.ts";
import type { LastAction } from "../metrics/metrics.ts";
import type { Status } from "./api_schemas.ts";
import type { ProbeResult } from "../probes/probe.ts";

/** Everything `/api/v1/status` is built from. */
export interface StatusInput {
  config: Config;
  rows: readonly ContainerMetricsRow[];
  /** When `rows` were read from the engine, ms since the epoch; `null` before the first read. */
  rowsReadAt: number | null;
  engine: { reachable: boolean; address: string; error?: string };
  gpu: {
    enabled: boolean;
    source: string | null;
    reason: string;
    observation: GpuObservation | null;
  };
  gpuState: GpuWatchState;
  healState: HealState;
  /** Restarts breakwater made per container since it started. */
  breakwaterRestarts: ReadonlyMap<string, number>;
  /** The latest action on each container, by breakwater or a person. */
  lastActions: ReadonlyMap<string, LastAction>;
  probes: readonly ProbeResult[];
  now: number;
}

const iso = (time: number | null) => time === null ? null : new Date(time).toISOString();

/** The body of `/api/v1/status` (`StatusSchema`, the OpenAPI document's `Status`). Pure. */
export function buildStatus(input: StatusInput): Status {
  const { config, gpuState } = input;
  const observation = input.gpu.observation;
  const sample = observation?.sample;
  const attribution = observation?.attribution;
  const held = (list: GpuWatchState["paused"]) =>
    list.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() }));
  return {
    generatedAt: new Date(input.now).toISOString(),
    dryRun: config.dryRun,
    engine: input.engine,
    containersReadAt: iso(input.rowsReadAt),
    containers: input.rows.map(({ cpuSeconds: _cpuSeconds, ...row }) => ({
      ...row,
      pausable: !row.protected && !row.gpuOwner,
      breakwaterRestarts: input.breakwaterRestarts.get(row.name) ?? 0,
      lastAction: input.lastActions.get(row.name) ?? null,
      vramBytes: attribution?.available ? attribution.byContainer[row.name] ?? 0 : null,
    })),
    gpu: {
      source: input.gpu.source,
      reason: input.gpu.reason,
      readAt: sample ? new Date(sample.time).toISOString() : null,
      ok: sample?.ok ?? false,
      ...(sample && !sample.ok ? { error: sample.error } : {}),
      gpus: sample?.ok ? sample.gpus.map(({ processes: _processes, ...gpu }) => gpu) : [],
      attributionAvailable: attribution?.available ?? false,
    },
    watchdog: {
      enabled: input.gpu.enabled,
      state: !input.gpu.enabled
        ? "off"
        : !gpuState.armed
        ? "disarmed"
        : gpuState.tripped
        ? "tripped"
        : "armed",
      armed: gpuState.armed,
      tripped: gpuState.tripped,
      highStreak: gpuState.highStreak,
      lowStreak: gpuState.lowStreak,
      streak: config.gpu.streak,
      clearStreak: config.gpu.clearStreak,
      ladder: config.gpu.ladder,
      nextRung: config.gpu.ladder[gpuState.nextRung] ?? null,
      paused: held(gpuState.paused),
      stopped: held(gpuState.stopped),
      unknownReadings: gpuState.unknownReadings,
    },
    heal: {
      containers: Object.entries(input.healState.containers).map(([name, entry]) => ({
        name,
        backoffRestarts: entry.backoffRestarts,
        lastRestartAt: iso(entry.lastRestartAt),
        nextRestartAt: entry.lastRestartAt === null || entry.backoffRestarts === 0
          ? null
          : iso(entry.lastRestartAt + backoffDelay(entry.backoffRestarts, config.heal.backoff)),
        gaveUp: entry.gaveUpAt !== null,
      })),
    },
    probes: [...input.probes],
  };
}
