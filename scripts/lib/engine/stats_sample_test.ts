import assert from "node:assert/strict";
import { cpuPercent, type StatsSample, toStatsSample } from "./stats_sample.ts";
import type Docker from "dockerode";

const sample = (cpu: number, system: number | null, cpus = 2): StatsSample => ({
  cpuTotalNs: cpu,
  systemCpuNs: system,
  onlineCpus: cpus,
  memoryWorkingSetBytes: 0,
});

Deno.test("CPU % is the container's share of host CPU time times the CPU count", () => {
  assert.equal(cpuPercent(sample(0, 0), sample(500_000_000, 2_000_000_000)), 50);
  assert.equal(cpuPercent(sample(0, 0, 4), sample(1_000_000_000, 1_000_000_000, 4)), 400);
});

Deno.test("CPU % is unknown without host CPU time or when time did not advance", () => {
  assert.equal(cpuPercent(sample(0, null), sample(1, null)), null);
  assert.equal(cpuPercent(sample(0, 5), sample(1, 5)), null);
});

Deno.test("memory working set leaves out reclaimable page cache (cgroup v1 and v2)", () => {
  const stats = (memoryStats: Record<string, number>) =>
    ({
      cpu_stats: { cpu_usage: { total_usage: 7 }, system_cpu_usage: 9, online_cpus: 2 },
      memory_stats: { usage: 1_000, stats: memoryStats },
    }) as unknown as Docker.ContainerStats;
  assert.equal(toStatsSample(stats({ inactive_file: 300 })).memoryWorkingSetBytes, 700);
  assert.equal(toStatsSample(stats({ total_inactive_file: 100 })).memoryWorkingSetBytes, 900);
  assert.equal(toStatsSample(stats({})).memoryWorkingSetBytes, 1_000);
});
