/** Where a process sits in the cgroup tree, read from `/proc/<pid>/cgroup`. */
export interface CgroupMembership {
  /** The cgroup v2 (unified) path, from the `0::` line. */
  unified?: string;
  /** cgroup v1 paths by controller (`cpuacct`, `memory`, …). */
  controllers: Record<string, string>;
}

/** Parses `/proc/<pid>/cgroup` (v1 `N:ctrl,ctrl:/path` lines and the v2 `0::/path` line). */
export function parseProcCgroup(text: string): CgroupMembership {
  const membership: CgroupMembership = { controllers: {} };
  for (const line of text.split("\n")) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, hierarchy, controllers, path] = match;
    if (hierarchy === "0" && controllers === "") membership.unified = path;
    for (const controller of controllers.split(",")) {
      if (controller) membership.controllers[controller] = path;
    }
  }
  return membership;
}

const CONTAINER_ID_PATTERNS = [
  /\/docker\/([0-9a-f]{64})(?:\/|$)/, // cgroupfs driver, v1 and v2
  /docker-([0-9a-f]{64})\.scope/, // systemd driver, rootless included
  /\/docker\/containers\/([0-9a-f]{64})/, // Docker Desktop's VM
  /cri-containerd-([0-9a-f]{64})\.scope/, // containerd / Kubernetes
  /\/libpod-([0-9a-f]{64})(?:\.scope)?/, // podman
];

/** The 64-hex container id in a cgroup path, in every common layout; `undefined` if none. */
export function containerIdFromCgroupPath(path: string): string | undefined {
  for (const pattern of CONTAINER_ID_PATTERNS) {
    const match = pattern.exec(path);
    if (match) return match[1];
  }
  return undefined;
}
