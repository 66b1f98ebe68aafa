import type { ContainerSnapshot, HealthStatus } from "../engine/container_snapshot.ts";
import { cpuPercent, type StatsSample } from "../engine/stats_sample.ts";
import { isHealOptedIn, isProtected } from "../selection/container_roles.ts";

/** One container in `deno task health`. */
export interface HealthRow {
  name: string;
  id: string;
  image: string;
  state: string;
  health: HealthStatus;
  /** Docker's restart count. */
  restarts: number;
  startedAt: string | null;
  /** While unhealthy: failing since at least then (see `ContainerSnapshot.unhealthySince`). */
  unhealthySince: string | null;
  /** Seconds since it started, while running or paused. */
  uptimeSeconds: number | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  /** 0 when unlimited. */
  memoryLimitBytes: number;
  /** CPU limit in billionths of a CPU; 0 when unlimited. */
  nanoCpus: number;
  cpuLimited: boolean;
  memoryLimited: boolean;
  heal: boolean;
  protected: boolean;
}

/** Readings for one container: its inspect answer and two stats samples, when it runs. */
export interface ContainerReadings {
  snapshot: ContainerSnapshot;
  before: StatsSample | null;
  after: StatsSample | null;
}

/** Patterns from the config that decide `heal` and `protected`. */
export interface RolePatterns {
  heal: readonly string[];
  protected: readonly string[];
}

/** Builds a {@linkcode HealthRow} from readings. Pure. */
export function toHealthRow(
  { snapshot, before, after }: ContainerReadings,
  patterns: RolePatterns,
  now: number,
): HealthRow {
  const live = snapshot.state === "running" || snapshot.state === "paused";
  const cpuLimited = snapshot.nanoCpus > 0 || snapshot.cpuQuota > 0;
  return {
    name: snapshot.name,
    id: snapshot.id,
    image: snapshot.image,
    state: snapshot.state,
    health: snapshot.health,
    restarts: snapshot.restarts,
    startedAt: iso(snapshot.startedAt),
    unhealthySince: iso(snapshot.unhealthySince),
    uptimeSeconds: live && snapshot.startedAt !== null
      ? Math.max(0, Math.round((now - snapshot.startedAt) / 1_000))
      : null,
    cpuPercent: before && after ? round(cpuPercent(before, after)) : null,
    memoryBytes: after?.memoryWorkingSetBytes ?? null,
    memoryLimitBytes: snapshot.memoryLimitBytes,
    nanoCpus: snapshot.nanoCpus > 0
      ? snapshot.nanoCpus
      : snapshot.cpuQuota > 0 && snapshot.cpuPeriod > 0
      ? Math.round((snapshot.cpuQuota / snapshot.cpuPeriod) * 1e9)
      : 0,
    cpuLimited,
    memoryLimited: snapshot.memoryLimitBytes > 0,
    heal: isHealOptedIn(snapshot, patterns.heal),
    protected: isProtected(snapshot, patterns.protected),
  };
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

/** A container's row plus its cumulative CPU time, as the sampler reads it. */
export interface ContainerMetricsRow extends HealthRow {
  /** Cumulative CPU time, seconds; `null` when not running. */
  cpuSeconds: number | null;
  pausedByBreakwater: boolean;
  /** breakwater gave up restarting it, until it is healthy long enough again. */
  gaveUp: boolean;
  gpuOwner: boolean;
  labels: Record<string, string>;
}
