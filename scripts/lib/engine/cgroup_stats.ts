import {
  type CgroupMembership,
  containerIdFromCgroupPath,
  parseProcCgroup,
} from "./cgroup_path.ts";
import type { StatsSample } from "./stats_sample.ts";

/** Where the cgroup tree and `/proc` are; tests point them at fake trees. */
export interface CgroupRoots {
  cgroup: string;
  proc: string;
}

/** The host's CPU time, shared by every container sampled at the same moment. */
export interface HostCpu {
  ns: number;
  cpus: number;
}

const HOST_ROOTS: CgroupRoots = { cgroup: "/sys/fs/cgroup", proc: "/proc" };
/** `/proc/stat` counts in USER_HZ ticks, 100 per second on every Linux Docker supports. */
const NS_PER_TICK = 10_000_000;

// These are kernel pseudo-files: reading them never waits on a disk, so they are read
// synchronously — an async read costs a thread hop per file, several times the read itself.

/**
 * Host CPU time as the engine computes it: user … softirq of `/proc/stat`'s `cpu` line.
 * `undefined` where there is no `/proc/stat` (not Linux): containers are then read from the
 * engine.
 */
export function readHostCpu(roots: CgroupRoots = HOST_ROOTS): HostCpu | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`${roots.proc}/stat`);
  } catch {
    return undefined;
  }
  const lines = text.split("\n");
  const total = lines[0].trim().split(/\s+/).slice(1, 8).reduce(
    (sum, value) => sum + Number(value),
    0,
  );
  const cpus = lines.filter((line) => /^cpu\d+ /.test(line)).length;
  return { ns: total * NS_PER_TICK, cpus: Math.max(cpus, 1) };
}

/**
 * Reads a running container's CPU and memory straight from its cgroup, the same counters the
 * engine reports but without waiting for the engine's once-a-second stats tick. Returns
 * `undefined` where they cannot be read from here: the engine in another VM (Docker Desktop,
 * WSL2), or a process whose cgroup does not belong to the container.
 */
export function readCgroupStats(
  containerId: string,
  pid: number,
  host: HostCpu,
  roots: CgroupRoots = HOST_ROOTS,
): StatsSample | undefined {
  if (pid <= 0) return undefined;
  let membership: CgroupMembership;
  try {
    membership = parseProcCgroup(Deno.readTextFileSync(`${roots.proc}/${pid}/cgroup`));
  } catch {
    return undefined;
  }
  // Hybrid hosts list a v2 path too, but mount v1 at the root: try v2, then v1.
  for (const read of [readUnified, readV1]) {
    try {
      const counters = read(membership, containerId, roots);
      if (counters) return sample(counters, host);
    } catch {
      // not this layout
    }
  }
  return undefined;
}

interface CgroupCounters {
  cpuTotalNs: number;
  memoryBytes: number;
  reclaimableBytes: number;
}

function readUnified(
  membership: CgroupMembership,
  containerId: string,
  roots: CgroupRoots,
): CgroupCounters | undefined {
  const path = membership.unified;
  if (path === undefined || containerIdFromCgroupPath(path) !== containerId) return undefined;
  const dir = `${roots.cgroup}${path}`;
  const cpu = parseKeyValues(Deno.readTextFileSync(`${dir}/cpu.stat`));
  const memory = parseKeyValues(Deno.readTextFileSync(`${dir}/memory.stat`));
  return {
    cpuTotalNs: cpu.usage_usec * 1_000,
    memoryBytes: Number(Deno.readTextFileSync(`${dir}/memory.current`).trim()),
    reclaimableBytes: memory.inactive_file ?? 0,
  };
}

function readV1(
  membership: CgroupMembership,
  containerId: string,
  roots: CgroupRoots,
): CgroupCounters | undefined {
  const cpuPath = membership.controllers.cpuacct;
  const memoryPath = membership.controllers.memory;
  if (!cpuPath || !memoryPath || containerIdFromCgroupPath(cpuPath) !== containerId) {
    return undefined;
  }
  const memoryDir = `${roots.cgroup}/memory${memoryPath}`;
  const memory = parseKeyValues(Deno.readTextFileSync(`${memoryDir}/memory.stat`));
  return {
    cpuTotalNs: Number(readFirst([
      `${roots.cgroup}/cpuacct${cpuPath}/cpuacct.usage`,
      `${roots.cgroup}/cpu,cpuacct${cpuPath}/cpuacct.usage`,
    ])),
    memoryBytes: Number(Deno.readTextFileSync(`${memoryDir}/memory.usage_in_bytes`)),
    reclaimableBytes: memory.total_inactive_file ?? 0,
  };
}

function readFirst(paths: string[]): string {
  for (const path of paths) {
    try {
      return Deno.readTextFileSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  throw new Deno.errors.NotFound(paths.join(", "));
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
