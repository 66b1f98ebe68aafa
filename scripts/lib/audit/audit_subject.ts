/** A volume or bind mount, and whether its data sits on the system disk. */
export interface AuditMount {
  type: "bind" | "volume";
  /** Host path (bind) or volume name. */
  source: string;
  target: string;
  /** Read-only mounts (configuration, secrets) are not heavy data. */
  readOnly: boolean;
  /** Where the data lives on the host, when known (a bind's path, a volume's mountpoint). */
  hostPath: string | null;
  /** `null` until read, or when it cannot be told (the engine runs in another VM). */
  onSystemDisk: boolean | null;
}

/** A running container or a Compose service, reduced to what the audit rules look at. */
export interface AuditSubject {
  kind: "container" | "service";
  name: string;
  labels: Record<string, string>;
  /** How it reaches the GPU (`device request`, `nvidia runtime`, `NVIDIA_VISIBLE_DEVICES=all`), or `null`. */
  gpuAccess: string | null;
  cpuLimited: boolean;
  /** 0 when unlimited. */
  memoryLimitBytes: number;
  /** Memory plus swap: -1 unlimited, `null` unset (Docker then allows as much swap as memory). */
  memorySwapBytes: number | null;
  /** `null` in a Compose file without a `healthcheck:` (the image may still have one). */
  hasHealthcheck: boolean | null;
  /** `null` or `no` without one. */
  restartPolicy: string | null;
  mounts: AuditMount[];
}

/** Host facts some rules need. */
export interface AuditHost {
  /** Whether I/O weights can work: cgroup v2 `io.weight` or the BFQ scheduler; `null` unknown. */
  ioWeights: { supported: boolean | null; detail: string };
}
