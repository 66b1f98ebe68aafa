import type { EngineEndpoint } from "./endpoint.ts";

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EACCES",
]);

/** The engine could not be reached at all; the message says where and what to check. */
export class EngineUnreachableError extends Error {
  constructor(readonly endpoint: EngineEndpoint, readonly code: string) {
    super(
      `cannot reach the Docker engine at ${endpoint.address} (${code}, address from ${endpoint.source}). ` +
        hint(endpoint, code),
    );
    this.name = "EngineUnreachableError";
  }
}

/** The engine answered that the container does not exist. */
export class ContainerNotFoundError extends Error {
  constructor(readonly container: string) {
    super(`no such container: ${container}`);
    this.name = "ContainerNotFoundError";
  }
}

/** The engine refused a request; `statusCode` is its HTTP status. */
export class EngineRequestError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = "EngineRequestError";
  }
}

function hint(endpoint: EngineEndpoint, code: string): string {
  if (code === "EACCES") {
    return "Permission denied: add your user to the docker group or run as a user who may use the socket.";
  }
  if (endpoint.address.startsWith("npipe:")) {
    return "Is Docker Desktop running? Start it, or set DOCKER_HOST to the engine's address.";
  }
  return "Is the engine running? Start Docker Desktop or `sudo systemctl start docker`, " +
    "or set DOCKER_HOST (or docker.host in breakwater.yaml) to the engine's address.";
}

/** Translates a dockerode/socket error into one of this module's errors. */
export function toEngineError(error: unknown, endpoint: EngineEndpoint, container?: string): Error {
  const detail = error as { code?: string; statusCode?: number; json?: { message?: string } };
  if (detail?.code && UNREACHABLE_CODES.has(detail.code)) {
    return new EngineUnreachableError(endpoint, detail.code);
  }
  if (typeof detail?.statusCode === "number") {
    if (detail.statusCode === 404 && container) return new ContainerNotFoundError(container);
    const message = detail.json?.message ?? (error as Error).message;
    return new EngineRequestError(detail.statusCode, `Docker engine: ${message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
