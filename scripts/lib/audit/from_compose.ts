import { isAbsolute, resolve } from "node:path";
import type { AuditMount, AuditSubject } from "./audit_subject.ts";
import { visibleDevicesAccess } from "./from_inspect.ts";

type Json = Record<string, unknown>;

/**
 * Turns a parsed Compose file into one {@linkcode AuditSubject} per service. Pure. Relative bind
 * paths resolve against `composeDir`; a named volume's data is where its `driver_opts.device`
 * says, else in Docker's data root (unknown here).
 * @throws {Error} when the file has no `services` mapping.
 */
export function subjectsFromCompose(compose: unknown, composeDir: string): AuditSubject[] {
  const root = asObject(compose);
  const services = asObject(root.services);
  if (Object.keys(services).length === 0) throw new Error("the Compose file has no services");
  const volumes = asObject(root.volumes);
  return Object.entries(services).map(([name, value]) => {
    const service = asObject(value);
    const deploy = asObject(service.deploy);
    const resources = asObject(deploy.resources);
    const limits = asObject(resources.limits);
    const memory = byteSize(service.mem_limit ?? limits.memory);
    const healthcheck = service.healthcheck === undefined
      ? undefined
      : asObject(service.healthcheck);
    const test = healthcheck?.test;
    return {
      kind: "service",
      name,
      labels: keyValues(service.labels),
      gpuAccess: gpuAccessOf(service, resources),
      cpuLimited: Number(service.cpus ?? limits.cpus ?? 0) > 0 ||
        Number(service.cpu_quota ?? 0) > 0,
      memoryLimitBytes: memory ?? 0,
      memorySwapBytes: service.memswap_limit === undefined ? null : byteSize(service.memswap_limit),
      hasHealthcheck: healthcheck === undefined
        ? null
        : healthcheck.disable !== true && !(Array.isArray(test) && test[0] === "NONE") &&
          test !== "NONE",
      restartPolicy: (service.restart as string | undefined) ??
        (asObject(deploy.restart_policy).condition as string | undefined) ?? null,
      mounts: mountsOf(service.volumes, volumes, composeDir),
    };
  });
}

/** Sizes as Compose writes them: bytes, or `512m`, `1g`, `1.5GB`, `256MiB`. */
export function byteSize(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "number") return value;
  const match = /^(-?\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(String(value).trim());
  if (!match) return null;
  const power = ["", "k", "m", "g", "t"].indexOf(match[2].toLowerCase());
  return Math.round(Number(match[1]) * 1024 ** power);
}

function gpuAccessOf(service: Json, resources: Json): string | null {
  const devices = asArray(asObject(resources.reservations).devices).map(asObject);
  if (
    devices.some((device) =>
      device.driver === "nvidia" || asArray(device.capabilities).flat().includes("gpu")
    )
  ) return "deploy.resources.reservations.devices";
  if (service.gpus !== undefined) return "gpus";
  if (service.runtime === "nvidia") return "runtime: nvidia";
  return visibleDevicesAccess(keyValues(service.environment).NVIDIA_VISIBLE_DEVICES);
}

function mountsOf(value: unknown, volumes: Json, composeDir: string): AuditMount[] {
  return asArray(value).flatMap((entry): AuditMount[] => {
    let source: string | undefined;
    let target: string | undefined;
    let type: string | undefined;
    let readOnly = false;
    if (typeof entry === "string") {
      let mode: string | undefined;
      [source, target, mode] = entry.split(":");
      readOnly = (mode ?? "").split(",").includes("ro");
      if (target === undefined) return []; // an anonymous volume
      type = /^[./~]/.test(source) || isAbsolute(source) ? "bind" : "volume";
    } else {
      const long = asObject(entry);
      [source, target, type] = [long.source as string, long.target as string, long.type as string];
      readOnly = long.read_only === true;
    }
    if (!source || !target || (type !== "bind" && type !== "volume")) return [];
    if (type === "bind") {
      const hostPath = resolve(composeDir, source.replace(/^~(?=\/)/, Deno.env.get("HOME") ?? "~"));
      return [{ type, source, target, readOnly, hostPath, onSystemDisk: null }];
    }
    const device = asObject(asObject(volumes[source]).driver_opts).device as string | undefined;
    return [{
      type,
      source,
      target,
      readOnly,
      hostPath: device ? resolve(composeDir, device) : null,
      onSystemDisk: null,
    }];
  });
}

/** Compose's `KEY=value` lists and mappings, as a mapping. */
function keyValues(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((item) => {
      const [key, ...rest] = String(item).split("=");
      return [key, rest.join("=")];
    }));
  }
  return Object.fromEntries(
    Object.entries(asObject(value)).map(([key, item]) => [key, String(item ?? "")]),
  );
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value as Json : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
