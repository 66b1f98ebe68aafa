import type { AuditHost, AuditSubject } from "./audit_subject.ts";

/**
 * Fills in whether each mount's data is on the same device as `/`. Where the path does not exist
 * here (the engine runs in another VM, as Docker Desktop's does) it stays `null`: unknown.
 */
export async function readMountDisks(
  subjects: AuditSubject[],
  root = "/",
): Promise<AuditSubject[]> {
  const systemDevice = (await Deno.stat(root)).dev;
  return await Promise.all(subjects.map(async (subject) => ({
    ...subject,
    mounts: await Promise.all(subject.mounts.map(async (mount) => {
      if (mount.hostPath === null) return mount;
      const device = await Deno.stat(mount.hostPath).then((info) => info.dev, () => null);
      return { ...mount, onSystemDisk: device === null ? null : device === systemDevice };
    })),
  })));
}

/**
 * Whether I/O weights can work: cgroup v2 with the `io` controller, or the BFQ scheduler active on
 * a disk; and whether the engine warns that it has no blkio weight support.
 */
export async function readIoWeightSupport(
  engineWarnings: readonly string[],
  sys = "/sys",
): Promise<AuditHost> {
  const controllers = await Deno.readTextFile(`${sys}/fs/cgroup/cgroup.controllers`).catch(() =>
    null
  );
  const bfq: string[] = [];
  let disksVisible = false;
  try {
    for await (const disk of Deno.readDir(`${sys}/block`)) {
      disksVisible = true;
      const scheduler = await Deno.readTextFile(`${sys}/block/${disk.name}/queue/scheduler`).catch(
        () => "",
      );
      if (/\[bfq\]/.test(scheduler)) bfq.push(disk.name);
    }
  } catch {
    // no /sys/block: not Linux, or not visible from here
  }
  const answer = (supported: boolean | null, detail: string): AuditHost => ({
    ioWeights: { supported, detail },
  });
  if (engineWarnings.some((warning) => /no blkio weight support/i.test(warning))) {
    return answer(false, "the engine reports no blkio weight support");
  }
  if (controllers !== null && /\bio\b/.test(controllers)) {
    return answer(true, "cgroup v2 io controller");
  }
  if (bfq.length > 0) return answer(true, `BFQ scheduler on ${bfq.join(", ")}`);
  if (disksVisible) {
    return answer(false, "neither cgroup v2's io controller nor the BFQ scheduler is active");
  }
  return answer(null, "the host's cgroups and disks are not visible from here");
}
