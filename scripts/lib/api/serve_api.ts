import { STATUS_CODES } from "node:http";
import { abortableSleep } from "../abortable_sleep.ts";
import { UsageError } from "../usage_error.ts";
import { ApiError } from "./api_error.ts";
import { allowedHost } from "./allowed_host.ts";
export { isLoopback } from "./allowed_host.ts";
import { parseRequestHead, RequestHeadError } from "./request_head.ts";

/** A running control API server. */
export interface ApiServer {
  /** The address it listens on, such as `http://127.0.0.1:8787`. */
  url: string;
  shutdown(): Promise<void>;
}

/** What one connection and one request may take, so that no client can hold the daemon. */
export interface ServerLimits {
  /** Connections open at once; past it the longest-idle one is closed for the new one. */
  maxConnections: number;
  /** From a connection's start, or the end of its last answer, to a request's whole head. */
  headerTimeoutMs: number;
  /** For a declared body to arrive, and for the client to take the answer. */
  transferTimeoutMs: number;
  maxHeadBytes: number;
  maxBodyBytes: number;
}

/** The limits the daemon serves with. */
export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 128,
  headerTimeoutMs: 10_000,
  transferTimeoutMs: 10_000,
  maxHeadBytes: 16 * 1024,
  maxBodyBytes: 64 * 1024,
};

/** Options for {@linkcode serveApi}. */
export interface ServeApiOptions {
  host: string;
  /** 0 picks a free one. */
  port: number;
  /** Names besides loopback ones and `host` that requests may carry in `Host`. */
  allowedHosts?: readonly string[];
  handler: (request: Request) => Promise<Response>;
  /** Accepting failed (out of file descriptors…): the server waits and tries again. */
  onAcceptError?: (error: Error) => void;
  /** Accepting works again after a failure. */
  onAcceptRecovered?: () => void;
  limits?: Partial<ServerLimits>;
}

interface Connection {
  conn: Deno.Conn;
  /** Between requests (or before the first): may be closed to make room. */
  idle: boolean;
  since: number;
}

/**
 * Serves `handler` over HTTP/1.1 on `host:port` with the limits a daemon needs and `Deno.serve`
 * does not give: a deadline for each request's head, body and answer; a cap on connections (the
 * longest-idle is closed to make room, so a flood of idle connections cannot lock others out);
 * accept errors survived; `Host` checked against the listener's names (DNS rebinding); no chunked
 * request bodies (the API's bodies are small JSON).
 */
export function serveApi(options: ServeApiOptions): ApiServer {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ hostname: options.host, port: options.port });
  } catch (error) {
    const hint = error instanceof Deno.errors.AddrInUse
      ? "another program uses that port: stop it, or set api.port to a free one"
      : "check api.host: use 127.0.0.1, or an address of this machine";
    throw new UsageError(
      `cannot serve the control API on ${options.host}:${options.port}: ${
        (error as Error).message
      }; ${hint}`,
    );
  }
  const address = listener.addr as Deno.NetAddr;
  const connections = new Set<Connection>();
  const stopping = new AbortController();
  const allowed = [options.host, ...(options.allowedHosts ?? [])];

  const evictIdle = () => {
    let oldest: Connection | undefined;
    for (const connection of connections) {
      if (connection.idle && (!oldest || connection.since < oldest.since)) oldest = connection;
    }
    if (oldest) close(oldest);
    return oldest !== undefined;
  };
  const close = (connection: Connection) => {
    connections.delete(connection);
    try {
      connection.conn.close();
    } catch {
      // already closed
    }
  };

  const accepting = (async () => {
    let failing = false;
    let retryMs = 10;
    while (!stopping.signal.aborted) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping.signal.aborted) break;
        failing = true;
        options.onAcceptError?.(error as Error);
        await abortableSleep(retryMs, stopping.signal);
        retryMs = Math.min(retryMs * 2, 1_000);
        continue;
      }
      if (failing) {
        failing = false;
        options.onAcceptRecovered?.();
      }
      retryMs = 10;
      if (connections.size >= limits.maxConnections && !evictIdle()) {
        conn.close();
        continue;
      }
      const connection: Connection = { conn, idle: true, since: Date.now() };
      connections.add(connection);
      void serveConnection(connection, { ...options, limits, allowed }).finally(() =>
        close(connection)
      );
    }
  })();

  const shown = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  return {
    url: `http://${shown}:${address.port}`,
    async shutdown() {
      stopping.abort();
      listener.close();
      await accepting;
      for (const connection of connections) if (connection.idle) close(connection);
      const deadline = Date.now() + limits.transferTimeoutMs;
      while (connections.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const connection of connections) close(connection);
    },
  };
}

interface ServeContext {
  handler: (request: Request) => Promise<Response>;
  limits: ServerLimits;
  allowed: string[];
}

async function serveConnection(connection: Connection, context: ServeContext): Promise<void> {
  const { conn } = connection;
  const reader = new ConnectionReader(conn);
  while (true) {
    connection.idle = true;
    connection.since = Date.now();
    let head;
    try {
      const bytes = await reader.readHead(context.limits);
      if (bytes === null) return; // closed by the client between requests
      connection.idle = false;
      head = parseRequestHead(bytes, context.limits.maxBodyBytes);
    } catch (error) {
      if (error instanceof RequestHeadError) {
        await send(conn, new ApiError(error.status, error.code, error.message).toResponse(), {
          keepAlive: false,
          head: false,
          timeoutMs: context.limits.transferTimeoutMs,
        });
      }
      return;
    }
    const host = head.headers.get("host") ?? "";
    let response: Response;
    let body: Uint8Array | null = null;
    if (!allowedHost(host, context.allowed)) {
      response = new ApiError(
        421,
        "misdirected_request",
        `Host "${host}" does not name this server; use 127.0.0.1, localhost or a name in ` +
          "api.allowedHosts",
      ).toResponse();
      head.keepAlive = false;
    } else {
      if (head.contentLength > 0) {
        body = await reader.readBody(head.contentLength, context.limits.transferTimeoutMs);
        if (body === null) return;
      }
      const request = new Request(`http://${host}${head.target}`, {
        method: head.method,
        headers: head.headers,
        body: body && head.method !== "GET" && head.method !== "HEAD"
          ? body as BufferSource
          : undefined,
      });
      response = await context.handler(request).catch((error) =>
        new ApiError(500, "internal", (error as Error)?.message ?? String(error)).toResponse()
      );
    }
    const sent = await send(conn, response, {
      keepAlive: head.keepAlive,
      head: head.method === "HEAD",
      timeoutMs: context.limits.transferTimeoutMs,
    });
    if (!sent || !head.keepAlive) return;
  }
}

/** Writes a whole response; `false` when the client did not take it in time. */
async function send(
  conn: Deno.Conn,
  response: Response,
  options: { keepAlive: boolean; head: boolean; timeoutMs: number },
): Promise<boolean> {
  const body = new Uint8Array(await response.arrayBuffer());
  const reason = response.statusText || STATUS_CODES[response.status] || "Status";
  const lines = [`HTTP/1.1 ${response.status} ${reason}`];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.length}`);
  lines.push(`connection: ${options.keepAlive ? "keep-alive" : "close"}`);
  const headBytes = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
  const bytes = options.head ? headBytes : concat(headBytes, body);
  return await withDeadline(conn, options.timeoutMs, async () => {
    let written = 0;
    while (written < bytes.length) written += await conn.write(bytes.subarray(written));
  });
}

/** Runs `work` on `conn`, closing the connection if it takes longer than `ms`. */
async function withDeadline(conn: Deno.Conn, ms: number, work: () => Promise<void>) {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      conn.close();
    } catch {
      // already closed
    }
  }, ms);
  let done = true;
  try {
    await work();
  } catch {
    done = false;
  } finally {
    clearTimeout(timer);
  }
  return done && !timedOut;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.length + b.length);
  all.set(a, 0);
  all.set(b, a.length);
  return all;
}

/** Reads a connection's bytes under deadlines, keeping what came after a request's head. */
class ConnectionReader {
  #buffered: Uint8Array = new Uint8Array(0);

  constructor(readonly conn: Deno.Conn) {}

  /**
   * The next request's head up to and including the blank line; `null` when the client closed
   * before sending anything.
   * @throws {RequestHeadError} when it is too large; any error when it is late or cut short.
   */
  async readHead(limits: ServerLimits): Promise<Uint8Array | null> {
    const deadline = Date.now() + limits.headerTimeoutMs;
    while (true) {
      const end = indexOfBlankLine(this.#buffered);
      if (end >= 0) {
        const head = this.#buffered.subarray(0, end + 4);
        this.#buffered = this.#buffered.slice(end + 4);
        return head;
      }
      if (this.#buffered.length > limits.maxHeadBytes) {
        throw new RequestHeadError(431, "headers_too_large", "the request head is too large");
      }
      const chunk = await this.#read(deadline - Date.now());
      if (chunk === null) {
        if (this.#buffered.length === 0) return null;
        throw new Error("connection closed inside a request head");
      }
      this.#buffered = concat(this.#buffered, chunk);
    }
  }

  /** Exactly `length` bytes of body; `null` when they do not come in time. */
  async readBody(length: number, timeoutMs: number): Promise<Uint8Array | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.#buffered.length < length) {
      const chunk = await this.#read(deadline - Date.now()).catch(() => null);
      if (chunk === null) return null;
      this.#buffered = concat(this.#buffered, chunk);
    }
    const body = this.#buffered.slice(0, length);
    this.#buffered = this.#buffered.slice(length);
    return body;
  }

  async #read(ms: number): Promise<Uint8Array | null> {
    if (ms <= 0) throw new Error("timed out");
    const buffer = new Uint8Array(4096);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        this.conn.close();
      } catch {
        // already closed
      }
    }, ms);
    try {
      const count = await this.conn.read(buffer);
      if (count === null) return null;
      return buffer.subarray(0, count);
    } catch (error) {
      if (timedOut) throw new Error("timed out");
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let index = 0; index + 3 < bytes.length; index++) {
    if (
      bytes[index] === 13 && bytes[index + 1] === 10 && bytes[index + 2] === 13 &&
      bytes[index + 3] === 10
    ) {
      return index;
    }
  }
  return -1;
}
