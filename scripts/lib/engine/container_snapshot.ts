import type Docker from "dockerode";
import type { ContainerListing } from "./engine.ts";

/** Docker's health states, with `none` for containers that have no healthcheck. */
export type HealthStatus = "healthy" | "unhealthy" | "starting" | "none";

/** One container as breakwater sees it: plain data read from `inspect`. */
export interface ContainerSnapshot {
  id: string;
  name: string;
  image: string;
  /** Docker's state: `running`, `paused`, `exited`, `restarting`, `created`, `dead`… */
  state: string;
  health: HealthStatus;
  labels: Record<string, string>;
  /** Docker's own restart count (its restart policy), not breakwater's. */
  restarts: number;
  /** Main process id as the engine's host sees it; 0 when not running. */
  pid: number;
  /** When the container was last started, ms since the epoch; `null` if never. */
  startedAt: number | null;
  /**
   * Start of the latest health probe, ms since the epoch; `null` without one. A probe is fresh
   * after an unpause only if it started after it: one begun while paused can end after it.
   */
  lastProbeStartedAt: number | null;
  /** The healthcheck's interval in ms (Docker's default 30 s when unset); `null` without one. */
  healthcheckIntervalMs: number | null;
  /**
   * While unhealthy: the start of the first failed probe of the failing run that ends the
   * engine's health log, ms since the epoch. The engine keeps the last five probes, so a longer
   * run has failed since at least then. `null` when not unhealthy.
   */
  unhealthySince: number | null;
  /** CPU limit in billionths of a CPU (`--cpus`); 0 when unlimited. */
  nanoCpus: number;
  /** CFS quota and period (`--cpu-quota`), the other way to limit CPU; 0 when unset. */
  cpuQuota: number;
  cpuPeriod: number;
  /** Memory limit in bytes (`--memory`); 0 when unlimited. */
  memoryLimitBytes: number;
  /** Memory plus swap limit in bytes (`--memory-swap`); -1 unlimited, 0 unset. */
  memorySwapBytes: number;
  /**
   * The container's own stop timeout (`--stop-timeout`, compose `stop_grace_period`), or `null`
   * when it has none and the engine's default applies.
   */
  stopTimeoutMs: number | null;
}

const DEFAULT_HEALTHCHECK_INTERVAL_MS = 30_000;

/** Converts Docker's inspect answer into a {@linkcode ContainerSnapshot}. */
export function toContainerSnapshot(inspect: Docker.ContainerInspectInfo): ContainerSnapshot {
  const health = inspect.State.Health;
  const probes = health?.Log ?? [];
  const lastProbe = probes.at(-1);
  const healthcheck = inspect.Config.Healthcheck;
  // ContainerConfig.StopTimeout (seconds) is in the engine's API but not in @types/dockerode.
  const stopTimeout = (inspect.Config as { StopTimeout?: number | null }).StopTimeout;
  const hasHealthcheck = health !== undefined ||
    (healthcheck?.Test !== undefined && healthcheck.Test[0] !== "NONE");
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ""),
    image: inspect.Config.Image,
    state: inspect.State.Status,
    health: (health?.Status as HealthStatus | undefined) ?? "none",
    labels: inspect.Config.Labels ?? {},
    restarts: inspect.RestartCount ?? 0,
    pid: inspect.State.Pid ?? 0,
    startedAt: toEpoch(inspect.State.StartedAt),
    lastProbeStartedAt: lastProbe ? toEpoch(lastProbe.Start) : null,
    healthcheckIntervalMs: hasHealthcheck
      ? (healthcheck?.Interval ? healthcheck.Interval / 1e6 : DEFAULT_HEALTHCHECK_INTERVAL_MS)
      : null,
    unhealthySince: health?.Status === "unhealthy" ? failingRunStart(probes) : null,
    nanoCpus: inspect.HostConfig.NanoCpus ?? 0,
    cpuQuota: inspect.HostConfig.CpuQuota ?? 0,
    cpuPeriod: inspect.HostConfig.CpuPeriod ?? 0,
    memoryLimitBytes: inspect.HostConfig.Memory ?? 0,
    memorySwapBytes: inspect.HostConfig.MemorySwap ?? 0,
    stopTimeoutMs: typeof stopTimeout === "number" ? stopTimeout * 1_000 : null,
  };
}

/** The part of a snapshot that the engine's list also shows, plus the stop timeout. */
export function toListing(snapshot: ContainerSnapshot): ContainerListing {
  const { id, name, state, labels, stopTimeoutMs } = snapshot;
  return { id, name, state, labels, stopTimeoutMs };
}

/** The start of the failed probes that end `probes`, oldest first; `null` if the last passed. */
function failingRunStart(
  probes: ReadonlyArray<{ Start: string; ExitCode: number }>,
): number | null {
  let first: number | null = null;
  for (let index = probes.length - 1; index >= 0 && probes[index].ExitCode !== 0; index--) {
    first = toEpoch(probes[index].Start) ?? first;
  }
  return first;
}

/** Docker writes `0001-01-01T00:00:00Z` for "never". */
function toEpoch(timestamp: string | undefined): number | null {
  if (!timestamp || timestamp.startsWith("0001-")) return null;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? null : ms;
}
