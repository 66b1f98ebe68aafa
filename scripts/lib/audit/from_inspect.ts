import type Docker from "dockerode";
import type { AuditSubject } from "./audit_subject.ts";

/** Turns Docker's inspect answer into an {@linkcode AuditSubject}. Pure. */
export function subjectFromInspect(inspect: Docker.ContainerInspectInfo): AuditSubject {
  const host = inspect.HostConfig;
  const healthcheck = inspect.Config.Healthcheck;
  const restart = host.RestartPolicy?.Name;
  return {
    kind: "container",
    name: inspect.Name.replace(/^\//, ""),
    labels: inspect.Config.Labels ?? {},
    gpuAccess: gpuAccessOf(inspect),
    cpuLimited: (host.NanoCpus ?? 0) > 0 || (host.CpuQuota ?? 0) > 0,
    memoryLimitBytes: host.Memory ?? 0,
    memorySwapBytes: host.MemorySwap ? host.MemorySwap : null,
    hasHealthcheck: healthcheck?.Test !== undefined && healthcheck.Test.length > 0 &&
      healthcheck.Test[0] !== "NONE",
    restartPolicy: restart ? restart : null,
    mounts: (inspect.Mounts ?? []).flatMap((mount) =>
      mount.Type === "bind" || mount.Type === "volume"
        ? [{
          type: mount.Type,
          source: mount.Type === "volume" ? mount.Name ?? mount.Source : mount.Source,
          target: mount.Destination,
          readOnly: mount.RW === false,
          hostPath: mount.Source || null,
          onSystemDisk: null,
        }]
        : []
    ),
  };
}

function gpuAccessOf(inspect: Docker.ContainerInspectInfo): string | null {
  const requests =
    (inspect.HostConfig as { DeviceRequests?: { Driver?: string; Capabilities?: string[][] }[] })
      .DeviceRequests ?? [];
  if (
    requests.some((request) =>
      request.Driver === "nvidia" || request.Capabilities?.flat().includes("gpu")
    )
  ) {
    return "device request (--gpus)";
  }
  if (inspect.HostConfig.Runtime === "nvidia") return "nvidia runtime";
  const visible = (inspect.Config.Env ?? []).find((entry) =>
    entry.startsWith("NVIDIA_VISIBLE_DEVICES=")
  )
    ?.slice("NVIDIA_VISIBLE_DEVICES=".length);
  return visibleDevicesAccess(visible);
}

/** `NVIDIA_VISIBLE_DEVICES` grants GPU access unless empty, `void` or `none`. */
export function visibleDevicesAccess(value: string | undefined): string | null {
  if (value === undefined || ["", "void", "none"].includes(value.trim().toLowerCase())) return null;
  return `NVIDIA_VISIBLE_DEVICES=${value}`;
}
