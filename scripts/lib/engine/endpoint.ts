import type Docker from "dockerode";
import { join } from "node:path";
import { UsageError } from "../usage_error.ts";

/** How to reach the Docker engine, and how to name it in messages. */
export interface EngineEndpoint {
  /** The address as the user would write it in `DOCKER_HOST`. */
  address: string;
  /** Where the address came from: `DOCKER_HOST`, the config, or the platform default. */
  source: "DOCKER_HOST" | "config" | "default";
  options: Docker.DockerOptions;
}

/** Options for {@linkcode resolveEndpoint}. */
export interface ResolveEndpointOptions {
  /** `docker.host` from the config. */
  configHost?: string;
  env?: (name: string) => string | undefined;
  os?: typeof Deno.build.os;
  readFile?: (path: string) => string;
}

const WINDOWS_PIPE = "npipe:////./pipe/docker_engine";
const UNIX_SOCKET = "unix:///var/run/docker.sock";

/**
 * Turns `DOCKER_HOST` (or the config's `docker.host`, or the platform default) into dockerode
 * options: `unix:///path`, `npipe:////./pipe/name`, `tcp://host:port` (TLS when
 * `DOCKER_TLS_VERIFY` is set, with certificates from `DOCKER_CERT_PATH`).
 * @throws {UsageError} naming where the address came from, when it cannot be used.
 */
export function resolveEndpoint(options: ResolveEndpointOptions = {}): EngineEndpoint {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const fromEnv = env("DOCKER_HOST");
  const [address, source] = fromEnv
    ? [fromEnv, "DOCKER_HOST" as const]
    : options.configHost
    ? [options.configHost, "config" as const]
    : [
      (options.os ?? Deno.build.os) === "windows" ? WINDOWS_PIPE : UNIX_SOCKET,
      "default" as const,
    ];
  try {
    return { address, source, options: toDockerOptions(address, env, options.readFile) };
  } catch (error) {
    const where = source === "config" ? "docker.host in the config" : source;
    throw new UsageError(`${where}: ${(error as Error).message}`);
  }
}

function toDockerOptions(
  address: string,
  env: (name: string) => string | undefined,
  readFile = (path: string) => Deno.readTextFileSync(path),
): Docker.DockerOptions {
  if (address.startsWith("unix://")) return { socketPath: address.slice("unix://".length) };
  if (address.startsWith("npipe://")) {
    return { socketPath: address.slice("npipe://".length).replaceAll("/", "\\") };
  }
  if (
    address.startsWith("tcp://") || address.startsWith("https://") || address.startsWith("http://")
  ) {
    const url = URL.parse(address.replace(/^tcp:/, "http:"));
    if (!url || !url.hostname) {
      throw new Error(`"${address}" is not a valid address; write it as tcp://host:port`);
    }
    const tls = address.startsWith("https://") || isSet(env("DOCKER_TLS_VERIFY"));
    const port = Number(url.port || (tls ? 2376 : 2375));
    if (!tls) return { protocol: "http", host: url.hostname, port };
    const certDir = env("DOCKER_CERT_PATH") ?? join(env("HOME") ?? ".", ".docker");
    return {
      protocol: "https",
      host: url.hostname,
      port,
      ca: readFile(join(certDir, "ca.pem")),
      cert: readFile(join(certDir, "cert.pem")),
      key: readFile(join(certDir, "key.pem")),
    };
  }
  throw new Error(
    `cannot use Docker engine address "${address}": use unix:///path/to/docker.sock, ` +
      "npipe:////./pipe/docker_engine or tcp://host:port",
  );
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0";
}
