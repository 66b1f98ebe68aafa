import type { AuditWaiver } from "../config/schema.ts";
import { isGpuMonitor, isGpuOwner } from "../selection/container_roles.ts";
import { matchesGlob } from "../selection/glob.ts";
import type { AuditHost, AuditSubject } from "./audit_subject.ts";

/** How bad a finding is: errors fail the audit (exit 1), warnings and notes do not. */
export type Severity = "error" | "warn" | "info";

/** One rule's id, severity, and the fix for a container (flags) and for a Compose service (keys). */
export interface AuditRule {
  id: string;
  severity: Severity;
  fix: { container: string; service: string };
}

/** Every audit rule. */
export const AUDIT_RULES = {
  gpuMultiple: {
    id: "gpu.multiple-owners",
    severity: "error",
    fix: {
      container: "give only the model server GPU access: recreate the others without --gpus / " +
        "--runtime nvidia / -e NVIDIA_VISIBLE_DEVICES",
      service:
        "keep deploy.resources.reservations.devices (or gpus:, runtime: nvidia) on the model " +
        "server's service only",
    },
  },
  gpuUnmarked: {
    id: "gpu.not-owner",
    severity: "error",
    fix: {
      container: "label the GPU owner: --label breakwater.gpu-owner=true (or list it in gpu.owner)",
      service: 'add labels: {breakwater.gpu-owner: "true"} to the model server\'s service',
    },
  },
  gpuMonitor: {
    id: "gpu.monitor",
    severity: "info",
    fix: {
      container:
        "nothing to fix if it only reads GPU metrics; remove --label breakwater.gpu-monitor=true if it loads models",
      service:
        "nothing to fix if it only reads GPU metrics; remove the breakwater.gpu-monitor label if it loads models",
    },
  },
  cpuLimit: {
    id: "limits.cpu",
    severity: "error",
    fix: {
      container: "set a CPU limit: docker update --cpus 2 <container> (or --cpus at docker run)",
      service: 'set cpus: 2 (or deploy.resources.limits.cpus: "2")',
    },
  },
  memoryLimit: {
    id: "limits.memory",
    severity: "error",
    fix: {
      container: "set a memory limit: docker update --memory 1g --memory-swap 1g <container>",
      service: "set mem_limit: 1g (or deploy.resources.limits.memory: 1g) and memswap_limit: 1g",
    },
  },
  swap: {
    id: "limits.swap",
    severity: "warn",
    fix: {
      container:
        "make --memory-swap equal to --memory (docker update --memory-swap <same as --memory>)",
      service: "set memswap_limit equal to mem_limit",
    },
  },
  healthcheck: {
    id: "health.missing",
    severity: "warn",
    fix: {
      container:
        "add a healthcheck: --health-cmd '<probe>' --health-interval 30s (or HEALTHCHECK in the image)",
      service: 'add healthcheck: {test: ["CMD", …], interval: 30s}',
    },
  },
  restart: {
    id: "restart.missing",
    severity: "warn",
    fix: {
      container: "set a restart policy: docker update --restart unless-stopped <container>",
      service: "set restart: unless-stopped",
    },
  },
  systemDisk: {
    id: "disk.system",
    severity: "warn",
    fix: {
      container:
        "move the data to another disk: bind a path there (-v /mnt/data/x:/path) or create " +
        "the volume on it (docker volume create --opt type=none --opt o=bind --opt device=/mnt/data/x)",
      service:
        "bind a path on the data disk, or give the volume driver_opts: {type: none, o: bind, " +
        "device: /mnt/data/x}",
    },
  },
  diskUnknown: {
    id: "disk.unknown",
    severity: "info",
    fix: {
      container:
        "check by hand where the volume's data lives (docker volume inspect); with Docker " +
        "Desktop, move its disk image off C: (Settings → Resources → Disk image location)",
      service:
        "named volumes live in Docker's data root unless driver_opts.device binds them; keep " +
        "that off the system disk",
    },
  },
  ioWeight: {
    id: "io.weight",
    severity: "info",
    fix: {
      container:
        "I/O weights (docker run --blkio-weight 500) have no effect here: keep heavy volumes on a separate disk",
      service: "blkio_config.weight has no effect here: keep heavy volumes on a separate disk",
    },
  },
} as const satisfies Record<string, AuditRule>;

/** One thing wrong (or worth knowing) about one container or service. */
export interface Finding {
  rule: string;
  severity: Severity;
  /** The container or service, or `host`. */
  subject: string;
  message: string;
  fix: string;
  /** Why the rule does not apply, when the config waives it. */
  waived?: string;
}

/** What the rules need besides the subjects. */
export interface AuditOptions {
  ownerPatterns: readonly string[];
  waivers: readonly AuditWaiver[];
}

/**
 * Applies every rule to every subject. Pure. The GPU owner is exempt from the quota rules (it
 * is the one process allowed to use what the GPU leaves); everything else is held to them.
 */
export function audit(
  subjects: readonly AuditSubject[],
  host: AuditHost | null,
  options: AuditOptions,
): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: AuditRule, subject: AuditSubject | null, message: string) => {
    const name = subject?.name ?? "host";
    const waiver = options.waivers.find((waiver) =>
      waiver.rule === rule.id && matchesGlob(name, waiver.container)
    );
    findings.push({
      rule: rule.id,
      severity: rule.severity,
      subject: name,
      message,
      fix: subject?.kind === "container" || subject === null
        ? rule.fix.container
        : rule.fix.service,
      ...(waiver ? { waived: waiver.reason } : {}),
    });
  };

  const monitors = subjects.filter((subject) =>
    subject.gpuAccess !== null && isGpuMonitor(subject)
  );
  for (const subject of monitors) {
    add(
      AUDIT_RULES.gpuMonitor,
      subject,
      `GPU access (${subject.gpuAccess}) to read metrics only (label breakwater.gpu-monitor=true)`,
    );
  }
  const withGpu = subjects.filter((subject) =>
    subject.gpuAccess !== null && !isGpuMonitor(subject)
  );
  if (withGpu.length > 1) {
    for (const subject of withGpu) {
      add(
        AUDIT_RULES.gpuMultiple,
        subject,
        `one of ${withGpu.length} with GPU access (${subject.gpuAccess}): ${
          withGpu.map((s) => s.name).join(", ")
        }; ` +
          "one model server must own the GPU",
      );
    }
  }
  for (const subject of subjects) {
    const owner = isGpuOwner(subject, options.ownerPatterns);
    if (subject.gpuAccess !== null && !owner && !isGpuMonitor(subject)) {
      add(
        AUDIT_RULES.gpuUnmarked,
        subject,
        `has GPU access (${subject.gpuAccess}) but is not marked as the GPU owner`,
      );
    }
    if (!owner) {
      if (!subject.cpuLimited) add(AUDIT_RULES.cpuLimit, subject, "no CPU limit");
      if (subject.memoryLimitBytes <= 0) add(AUDIT_RULES.memoryLimit, subject, "no memory limit");
    }
    const swap = subject.memorySwapBytes;
    if (
      subject.memoryLimitBytes > 0 &&
      (swap === null || swap === -1 || swap > subject.memoryLimitBytes)
    ) {
      add(
        AUDIT_RULES.swap,
        subject,
        swap === -1
          ? "memory-swap is unlimited"
          : swap === null
          ? "memory-swap unset: Docker allows as much swap again as the memory limit"
          : `memory-swap (${swap} bytes) is larger than the memory limit (${subject.memoryLimitBytes} bytes)`,
      );
    }
    if (subject.hasHealthcheck !== true) {
      add(
        AUDIT_RULES.healthcheck,
        subject,
        subject.hasHealthcheck === null
          ? "no healthcheck in the Compose file (the image may define one)"
          : "no healthcheck",
      );
    }
    if (subject.restartPolicy === null || subject.restartPolicy === "no") {
      add(AUDIT_RULES.restart, subject, "no restart policy");
    }
    for (const mount of subject.mounts.filter((mount) => !mount.readOnly)) {
      const what = `${mount.type} ${mount.source} → ${mount.target}`;
      if (mount.onSystemDisk === true) {
        add(AUDIT_RULES.systemDisk, subject, `${what} is on the system disk`);
      }
      if (mount.onSystemDisk === null) {
        add(AUDIT_RULES.diskUnknown, subject, `cannot tell which disk ${what} is on`);
      }
    }
  }
  if (host && host.ioWeights.supported !== true) {
    add(
      AUDIT_RULES.ioWeight,
      null,
      `I/O weights ${
        host.ioWeights.supported === false ? "cannot" : "may not"
      } work: ${host.ioWeights.detail}`,
    );
  }
  return findings;
}
