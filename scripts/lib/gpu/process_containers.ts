import { containerIdFromCgroupPath, parseProcCgroup } from "../engine/cgroup_path.ts";

/**
 * Finds the container each process runs in through `/proc/<pid>/cgroup` (cgroup v1 and v2,
 * cgroupfs and systemd drivers, rootless). A process that is gone, unreadable or not in a
 * container maps to `undefined`.
 */
export async function containersOfPids(
  pids: readonly number[],
  proc = "/proc",
): Promise<Map<number, string | undefined>> {
  const entries = await Promise.all(pids.map(async (pid) => {
    try {
      const membership = parseProcCgroup(await Deno.readTextFile(`${proc}/${pid}/cgroup`));
      const paths = [membership.unified, ...Object.values(membership.controllers)];
      const id = paths.map((path) => path && containerIdFromCgroupPath(path)).find(Boolean);
      return [pid, id || undefined] as const;
    } catch {
      return [pid, undefined] as const;
    }
  }));
  return new Map(entries);
}
