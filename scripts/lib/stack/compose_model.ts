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
