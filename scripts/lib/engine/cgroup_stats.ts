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

const HOST_ROOTS: CgroupRoots = { cgroup: "/sys/fs/cgroup", proc: "/proc" };
/** `/proc/stat` counts in USER_HZ ticks, 100 per second on every Linux Docker supports. */
const NS_PER_TICK = 10_000_000;

/**
 * Reads a running container's CPU and memory straight from its cgroup, the same counters the
 * engine reports but without waiting for the engine's once-a-second stats tick. Returns
 * `undefined` where they cannot be read from here: not Linux, the engine in another VM (Docker
 * Desktop, WSL2), or a process whose cgroup does not belong to the container.
 */
export async function readCgroupStats(
  containerId: string,
  pid: number,
  roots: CgroupRoots = HOST_ROOTS,
): Promise<StatsSample | undefined> {
  if (pid <= 0) return undefined;
  let membership: CgroupMembership;
  try {
    membership = parseProcCgroup(await Deno.readTextFile(`${roots.proc}/${pid}/cgroup`));
  } catch {
    return undefined;
  }
  // Hybrid hosts list a v2 path too, but mount v1 at the root: try v2, then v1.
  for (const read of [readUnified, readV1]) {
    try {
      const sample = await read(membership, containerId, roots);
      if (sample) return sample;
    } catch {
      // not this layout
    }
  }
  return undefined;
}

async function readUnified(
  membership: CgroupMembership,
  containerId: string,
  roots: CgroupRoots,
): Promise<StatsSample | undefined> {
  const path = membership.unified;
  if (path === undefined || containerIdFromCgroupPath(path) !== containerId) return undefined;
  const dir = `${roots.cgroup}${path}`;
  const cpu = parseKeyValues(await Deno.readTextFile(`${dir}/cpu.stat`));
  const memory = parseKeyValues(await Deno.readTextFile(`${dir}/memory.stat`));
  const current = Number((await Deno.readTextFile(`${dir}/memory.current`)).trim());
  return sample(
    cpu.usage_usec * 1_000,
    current,
    memory.inactive_file ?? 0,
    await readSystemCpu(roots.proc),
  );
}

async function readV1(
  membership: CgroupMembership,
  containerId: string,
  roots: CgroupRoots,
): Promise<StatsSample | undefined> {
  const cpuPath = membership.controllers.cpuacct;
  const memoryPath = membership.controllers.memory;
  if (!cpuPath || !memoryPath || containerIdFromCgroupPath(cpuPath) !== containerId) {
    return undefined;
  }
  const cpuDir = await firstExisting([
    `${roots.cgroup}/cpuacct${cpuPath}`,
    `${roots.cgroup}/cpu,cpuacct${cpuPath}`,
  ]);
  const usage = Number(await Deno.readTextFile(`${cpuDir}/cpuacct.usage`));
  const memoryDir = `${roots.cgroup}/memory${memoryPath}`;
  const memory = parseKeyValues(await Deno.readTextFile(`${memoryDir}/memory.stat`));
  const current = Number(await Deno.readTextFile(`${memoryDir}/memory.usage_in_bytes`));
  return sample(usage, current, memory.total_inactive_file ?? 0, await readSystemCpu(roots.proc));
}

async function firstExisting(paths: string[]): Promise<string> {
  for (const path of paths) {
    if (await Deno.stat(path).then(() => true, () => false)) return path;
  }
  throw new Deno.errors.NotFound(paths.join(", "));
}

function sample(
  cpuTotalNs: number,
  memoryBytes: number,
  reclaimable: number,
  system: { ns: number; cpus: number },
): StatsSample | undefined {
  if (!Number.isFinite(cpuTotalNs) || !Number.isFinite(memoryBytes)) return undefined;
  return {
    cpuTotalNs,
    systemCpuNs: system.ns,
    onlineCpus: system.cpus,
    memoryWorkingSetBytes: memoryBytes > reclaimable ? memoryBytes - reclaimable : memoryBytes,
  };
}

/** Host CPU time as the engine computes it: user … softirq of `/proc/stat`'s `cpu` line. */
async function readSystemCpu(proc: string): Promise<{ ns: number; cpus: number }> {
  const lines = (await Deno.readTextFile(`${proc}/stat`)).split("\n");
  const total = lines[0].trim().split(/\s+/).slice(1, 8).reduce(
    (sum, value) => sum + Number(value),
    0,
  );
  const cpus = lines.filter((line) => /^cpu\d+ /.test(line)).length;
  return { ns: total * NS_PER_TICK, cpus: Math.max(cpus, 1) };
}

function parseKeyValues(text: string): Record<string, number> {
  return Object.fromEntries(
    text.split("\n").filter(Boolean).map((line) => {
      const [key, value] = line.trim().split(/\s+/);
      return [key, Number(value)];
    }),
  );
}
