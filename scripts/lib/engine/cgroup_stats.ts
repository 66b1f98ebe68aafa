import { containerIdFromCgroupPath, parseProcCgroup } from "./cgroup_path.ts";
import { hostPseudoFiles, type PseudoFiles } from "./pseudo_files.ts";
import type { StatsSample } from "./stats_sample.ts";

/** The host's CPU time, shared by every container sampled at the same moment. */
export interface HostCpu {
  ns: number;
  cpus: number;
}

/** A running container, as its cgroup is found: its id and its main process. */
export interface CgroupMember {
  id: string;
  pid: number;
}

/** `/proc/stat` counts in USER_HZ ticks, 100 per second on every Linux Docker supports. */
const NS_PER_TICK = 10_000_000;

/**
 * Host CPU time as the engine computes it: user … softirq of `/proc/stat`'s `cpu` line.
 * `undefined` where there is no `/proc/stat` (not Linux) or it cannot be read: containers are
 * then read from the engine.
 */
export function readHostCpu(files: PseudoFiles = hostPseudoFiles()): HostCpu | undefined {
  const path = `${files.roots.proc}/stat`;
  const text = files.read([path]).get(path);
  if (text === undefined) return undefined;
  const lines = text.split("\n");
  const total = lines[0].trim().split(/\s+/).slice(1, 8).reduce(
    (sum, value) => sum + Number(value),
    0,
  );
  const cpus = lines.filter((line) => /^cpu\d+ /.test(line)).length;
  return { ns: total * NS_PER_TICK, cpus: Math.max(cpus, 1) };
}

/**
 * Reads running containers' CPU and memory straight from their cgroups, the counters the engine
 * reports but without waiting for its once-a-second stats tick: two batches of reads for them
 * all (where each process sits, then its counters). `undefined` for a container whose counters
 * cannot be read from here: the engine in another VM (Docker Desktop, WSL2), or a process whose
 * cgroup does not belong to the container.
 */
export function readCgroupSamples(
  members: readonly CgroupMember[],
  host: HostCpu,
  files: PseudoFiles = hostPseudoFiles(),
): (StatsSample | undefined)[] {
  const { roots, read } = files;
  const cgroupOf = (pid: number) => `${roots.proc}/${pid}/cgroup`;
  const memberships = read(members.filter(({ pid }) => pid > 0).map(({ pid }) => cgroupOf(pid)));
  const layouts = members.map(({ id, pid }) => {
    const text = pid > 0 ? memberships.get(cgroupOf(pid)) : undefined;
    return text === undefined ? [] : candidateLayouts(parseProcCgroup(text), id, files);
  });
  const texts = read(layouts.flat().flatMap((layout) => layout.files));
  return layouts.map((candidates) => {
    // Hybrid hosts list a v2 path too, but mount v1 at the root: v2 first, then v1.
    for (const layout of candidates) {
      const counters = layout.counters(texts);
      if (counters) return sample(counters, host);
    }
    return undefined;
  });
}

interface CgroupCounters {
  cpuTotalNs: number;
  memoryBytes: number;
  reclaimableBytes: number;
}

/** Where a layout keeps a container's counters, and how to read them from the files' texts. */
interface Layout {
  files: string[];
  counters(texts: Map<string, string>): CgroupCounters | undefined;
}

function candidateLayouts(
  membership: ReturnType<typeof parseProcCgroup>,
  containerId: string,
  { roots }: PseudoFiles,
): Layout[] {
  const layouts: Layout[] = [];
  const unified = membership.unified;
  if (unified !== undefined && containerIdFromCgroupPath(unified) === containerId) {
    const dir = `${roots.cgroup}${unified}`;
    const [cpuStat, memoryStat, current] = ["cpu.stat", "memory.stat", "memory.current"]
      .map((file) => `${dir}/${file}`);
    layouts.push({
      files: [cpuStat, memoryStat, current],
      counters(texts) {
        const [cpu, memory, memoryNow] = [cpuStat, memoryStat, current].map((f) => texts.get(f));
        if (cpu === undefined || memory === undefined || memoryNow === undefined) return undefined;
        return {
          cpuTotalNs: parseKeyValues(cpu).usage_usec * 1_000,
          memoryBytes: Number(memoryNow.trim()),
          reclaimableBytes: parseKeyValues(memory).inactive_file ?? 0,
        };
      },
    });
  }
  const cpuPath = membership.controllers.cpuacct;
  const memoryPath = membership.controllers.memory;
  if (cpuPath && memoryPath && containerIdFromCgroupPath(cpuPath) === containerId) {
    const memoryDir = `${roots.cgroup}/memory${memoryPath}`;
    const memoryStat = `${memoryDir}/memory.stat`;
    const usage = `${memoryDir}/memory.usage_in_bytes`;
    // Mounted as cpuacct, or joined with cpu as cpu,cpuacct, depending on the distribution.
    const cpuUsages = ["cpuacct", "cpu,cpuacct"].map((mount) =>
      `${roots.cgroup}/${mount}${cpuPath}/cpuacct.usage`
    );
    layouts.push({
      files: [memoryStat, usage, ...cpuUsages],
      counters(texts) {
        const cpu = cpuUsages.map((file) => texts.get(file)).find((text) => text !== undefined);
        const [memory, memoryNow] = [memoryStat, usage].map((file) => texts.get(file));
        if (cpu === undefined || memory === undefined || memoryNow === undefined) return undefined;
        return {
          cpuTotalNs: Number(cpu),
          memoryBytes: Number(memoryNow),
          reclaimableBytes: parseKeyValues(memory).total_inactive_file ?? 0,
        };
      },
    });
  }
  return layouts;
}

function sample(counters: CgroupCounters, host: HostCpu): StatsSample | undefined {
  const { cpuTotalNs, memoryBytes, reclaimableBytes } = counters;
  if (!Number.isFinite(cpuTotalNs) || !Number.isFinite(memoryBytes)) return undefined;
  return {
    cpuTotalNs,
    systemCpuNs: host.ns,
    onlineCpus: host.cpus,
    memoryWorkingSetBytes: memoryBytes > reclaimableBytes
      ? memoryBytes - reclaimableBytes
      : memoryBytes,
  };
}

function parseKeyValues(text: string): Record<string, number> {
  return Object.fromEntries(
    text.split("\n").filter(Boolean).map((line) => {
      const [key, value] = line.trim().split(/\s+/);
      return [key, Number(value)];
    }),
  );
}
