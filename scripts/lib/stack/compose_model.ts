import { join, relative } from "node:path";

/**
 * Reading the stack as Compose resolved it (`docker compose config`): v2's JSON (long syntax
 * everywhere) and v1's YAML (short syntax for ports and volumes). Pure.
 * @module
 */

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? value as Json : {};
const asArray = (value: unknown): unknown[] => Array.isArray(value) ? value : [];

/** A service's definition, empty when the stack has no such service. */
function serviceOf(model: unknown, service: string): Json {
  return asObject(asObject(asObject(model).services)[service]);
}

/** The address on the host a service's container port is published on, or `null`. */
export function publishedAddress(
  model: unknown,
  service: string,
  containerPort: number,
): { host: string; port: number } | null {
  for (const entry of asArray(serviceOf(model, service).ports)) {
    if (typeof entry === "string" || typeof entry === "number") {
      // v1: [ip:]published:target[/protocol]
      const parts = String(entry).replace(/\/\w+$/, "").split(":");
      if (Number(parts.at(-1)) !== containerPort || parts.length < 2) continue;
      const port = Number(parts.at(-2));
      const host = parts.length > 2 ? parts.slice(0, -2).join(":") : "127.0.0.1";
      if (Number.isInteger(port) && port > 0) return { host: loopbackFor(host), port };
      continue;
    }
    const long = asObject(entry);
    if (Number(long.target) !== containerPort) continue;
    const port = Number(long.published);
    if (!Number.isInteger(port) || port <= 0) continue;
    return { host: loopbackFor(String(long.host_ip ?? "")), port };
  }
  return null;
}

/** Where this machine asks a port published on `host`: on every address, loopback will do. */
function loopbackFor(host: string): string {
  return host === "" || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}

/** A service's bind mounts: host folder and where it appears in the container. */
function binds(service: Json): Array<{ source: string; target: string }> {
  return asArray(service.volumes).flatMap((entry) => {
    if (typeof entry === "string") {
      const [source, target] = entry.split(":");
      return source.startsWith("/") && target ? [{ source, target }] : [];
    }
    const long = asObject(entry);
    return long.type === "bind" && typeof long.source === "string" &&
        typeof long.target === "string"
      ? [{ source: long.source, target: long.target }]
      : [];
  });
}

/**
 * Host folders where the engine would make a mount point itself, as root: a bind mounted inside
 * another bind of the same service (the plugin inside Grafana's data folder) needs its target
 * folder in the outer bind's host folder. Made first, as the user, they stay the user's. Pure.
 */
export function nestedMountPoints(model: unknown): string[] {
  const points = new Set<string>();
  for (const service of Object.values(asObject(asObject(model).services))) {
    const mounts = binds(asObject(service));
    for (const outer of mounts) {
      for (const inner of mounts) {
        if (inner.target.startsWith(`${outer.target.replace(/\/$/, "")}/`)) {
          points.add(join(outer.source, relative(outer.target, inner.target)));
        }
      }
    }
  }
  return [...points];
}
