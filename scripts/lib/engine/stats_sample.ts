import type Docker from "dockerode";

/** One reading of a container's resource use. */
export interface StatsSample {
  /** Cumulative CPU time of the container, ns. */
  cpuTotalNs: number;
  /** Cumulative CPU time of the host, ns; `null` where the platform does not give it. */
  systemCpuNs: number | null;
  onlineCpus: number;
  /** Memory in use less the page cache that can be reclaimed, as `docker stats` shows. */
  memoryWorkingSetBytes: number;
}

/** Converts Docker's one-shot stats answer into a {@linkcode StatsSample}. */
export function toStatsSample(stats: Docker.ContainerStats): StatsSample {
  const memory = stats.memory_stats;
  const detail = (memory.stats ?? {}) as Record<string, number | undefined>;
  const reclaimable = detail.inactive_file ?? detail.total_inactive_file ?? 0;
  const usage = memory.usage ?? 0;
  return {
    cpuTotalNs: stats.cpu_stats.cpu_usage.total_usage,
    systemCpuNs: stats.cpu_stats.system_cpu_usage ?? null,
    onlineCpus: stats.cpu_stats.online_cpus ?? stats.cpu_stats.cpu_usage.percpu_usage?.length ?? 1,
    memoryWorkingSetBytes: usage > reclaimable ? usage - reclaimable : usage,
  };
}

/**
 * CPU use between two samples as `docker stats` computes it: the container's share of the host's
 * CPU time, times the number of CPUs (so 200 % is two full cores). `null` when it cannot be known.
 */
export function cpuPercent(before: StatsSample, after: StatsSample): number | null {
  if (before.systemCpuNs === null || after.systemCpuNs === null) return null;
  const container = after.cpuTotalNs - before.cpuTotalNs;
  const system = after.systemCpuNs - before.systemCpuNs;
  if (system <= 0 || container < 0) return null;
  return (container / system) * after.onlineCpus * 100;
}
