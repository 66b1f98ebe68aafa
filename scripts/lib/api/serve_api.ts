import { STATUS_CODES } from "node:http";
import { Backoff } from "../backoff.ts";
import { UsageError } from "../usage_error.ts";
import { ApiError } from "./api_error.ts";
import { concatBytes } from "./concat_bytes.ts";
import { allowedHost } from "./allowed_host.ts";
export { isLoopback } from "./allowed_host.ts";
import { type RequestHead, RequestHeadError } from "./request_head.ts";
import { type ParsedRequest, RequestParser } from "./request_parser.ts";

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
  /**
   * Serving a connection failed in a way no rule foresaw (a bug, not a bad request): the
   * connection is closed and the server goes on.
   */
  onConnectionError?: (error: Error) => void;
  limits?: Partial<ServerLimits>;
}

/** Where a connection is: waiting between requests, receiving one, or being answered. */
type Phase = "idle" | "receiving" | "answering";

interface Connection {
  conn: Deno.Conn;
  phase: Phase;
  /** When it entered its phase. */
  since: number;
}

/**
 * Serves `handler` over HTTP/1.1 on `host:port` with the limits a daemon needs and `Deno.serve`
 * does not give (measured in docs/control-api.md): a deadline for each request's head, body and
 * answer; a cap on connections (to make room, the longest-idle connection is closed, else the
 * one receiving the longest, so neither idle nor slow clients can lock others out); accept errors
 * survived; `Host` checked against the listener's names (DNS rebinding). Requests are framed by
 * {@linkcode RequestParser}. Whatever a client sends, it gets an answer or a closed connection,
 * never an exception out of this server.
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
  const context: ServeContext = {
    handler: options.handler,
    limits,
    allowed: [options.host, ...(options.allowedHosts ?? [])],
  };

  const close = (connection: Connection) => {
    connections.delete(connection);
    closeQuietly(connection.conn);
  };
  /** Closes the oldest idle connection, else the oldest receiving one; false when none is. */
  const makeRoom = () => {
    for (const phase of ["idle", "receiving"] as const) {
      let oldest: Connection | undefined;
      for (const connection of connections) {
        if (connection.phase === phase && (!oldest || connection.since < oldest.since)) {
          oldest = connection;
        }
      }
      if (oldest) {
        close(oldest);
        return true;
      }
    }
    return false;
  };

  const accepting = (async () => {
    let failing = false;
    // accept() fails when the process is out of file descriptors: try again soon, not in a spin.
    const backoff = new Backoff({ initialMs: 10, maxMs: 1_000 });
    while (!stopping.signal.aborted) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping.signal.aborted) break;
        failing = true;
        options.onAcceptError?.(error as Error);
        await backoff.wait(stopping.signal);
        continue;
      }
      if (failing) {
        failing = false;
        options.onAcceptRecovered?.();
      }
      backoff.reset();
      if (connections.size >= limits.maxConnections && !makeRoom()) {
        closeQuietly(conn);
        continue;
      }
      const connection: Connection = { conn, phase: "idle", since: Date.now() };
      connections.add(connection);
      serveConnection(connection, context)
        .catch((error) => options.onConnectionError?.(error as Error))
        .finally(() => close(connection));
    }
  })();

  const shown = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  return {
    url: `http://${shown}:${address.port}`,
    async shutdown() {
      stopping.abort();
      listener.close();
      await accepting;
      for (const connection of connections) if (connection.phase !== "answering") close(connection);
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

const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

/** Answers a connection's requests in order until it closes, breaks a rule or runs late. */
async function serveConnection(connection: Connection, context: ServeContext): Promise<void> {
  const { conn } = connection;
  const { limits } = context;
  const parser = new RequestParser(limits);
  const enter = (phase: Phase) => {
    connection.phase = phase;
    connection.since = Date.now();
  };
  /** The head whose Host and `Expect` were dealt with before its body came. */
  let admitted: RequestHead | null = null;
  let deadline = Date.now() + limits.headerTimeoutMs;
  while (true) {
    const request = parser.take();
    if (request) {
      enter("answering");
      const keepOpen = await answer(conn, request, admitted === request.head, context);
      admitted = null;
      if (!keepOpen || parser.upgraded) return;
      enter("idle");
      deadline = Date.now() + limits.headerTimeoutMs;
      continue;
    }
    const waiting = parser.awaitingBody;
    if (waiting && admitted !== waiting) {
      const refusal = misdirected(waiting, context.allowed);
      if (refusal) {
        await send(conn, refusal, {
          keepAlive: false,
          head: false,
          timeoutMs: limits.transferTimeoutMs,
        });
        return;
      }
      admitted = waiting;
      deadline = Date.now() + limits.transferTimeoutMs;
      if (waiting.expectContinue && !await write(conn, CONTINUE, limits.transferTimeoutMs)) return;
    }
    const chunk = await read(conn, deadline - Date.now());
    if (chunk === null) return; // closed by the client, or late
    if (connection.phase === "idle") enter("receiving");
    try {
      parser.feed(chunk);
    } catch (error) {
      if (!(error instanceof RequestHeadError)) throw error;
      await send(conn, new ApiError(error.status, error.code, error.message).toResponse(), {
        keepAlive: false,
        head: false,
        timeoutMs: limits.transferTimeoutMs,
      });
      return;
    }
  }
}

/** Answers one whole request; whether the connection may carry another. */
async function answer(
  conn: Deno.Conn,
  { head, body }: ParsedRequest,
  hostChecked: boolean,
  context: ServeContext,
): Promise<boolean> {
  const refusal = hostChecked ? null : misdirected(head, context.allowed);
  let response: Response;
  if (refusal) {
    response = refusal;
  } else if (head.path === "*") {
    response = new Response(null, { status: 204, headers: { allow: "GET, HEAD, POST" } });
  } else {
    const request = new Request(`http://breakwater.invalid${head.path}`, {
      method: head.method,
      headers: head.headers,
      body: body.length > 0 && head.method !== "GET" && head.method !== "HEAD"
        ? body as BufferSource
        : undefined,
    });
    response = await context.handler(request).catch((error) =>
      new ApiError(500, "internal", (error as Error)?.message ?? String(error)).toResponse()
    );
  }
  const keepAlive = head.keepAlive && !refusal;
  const sent = await send(conn, response, {
    keepAlive,
    head: head.method === "HEAD",
    timeoutMs: context.limits.transferTimeoutMs,
  });
  return sent && keepAlive;
}

/** The 421 answer for a request that names another server, or `null` when it names this one. */
function misdirected(head: RequestHead, allowed: readonly string[]): Response | null {
  if (allowedHost(head.authority, allowed)) return null;
  return new ApiError(
    421,
    "misdirected_request",
    `Host "${head.authority.slice(0, 100)}" does not name this server; use 127.0.0.1, localhost ` +
      "or a name in api.allowedHosts",
  ).toResponse();
}

/** RFC 9110 §6.4.1: these statuses have no content, and so no Content-Length. */
const NO_CONTENT = new Set([204, 304]);

/** Writes a whole response; `false` when the client did not take it in time. */
async function send(
  conn: Deno.Conn,
  response: Response,
  options: { keepAlive: boolean; head: boolean; timeoutMs: number },
): Promise<boolean> {
  const empty = NO_CONTENT.has(response.status);
  const body = empty ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
  const reason = response.statusText || STATUS_CODES[response.status] || "Status";
  const lines = [`HTTP/1.1 ${response.status} ${reason}`];
  response.headers.forEach((value, name) => {
    if (!["content-length", "connection", "transfer-encoding"].includes(name)) {
      lines.push(`${name}: ${value}`);
    }
  });
  if (!empty) lines.push(`content-length: ${body.length}`);
  lines.push(`connection: ${options.keepAlive ? "keep-alive" : "close"}`);
  const headBytes = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
  return await write(
    conn,
    options.head ? headBytes : concatBytes([headBytes, body]),
    options.timeoutMs,
  );
}

/** Writes all of `bytes`, closing the connection if the client does not take them in time. */
async function write(conn: Deno.Conn, bytes: Uint8Array, timeoutMs: number): Promise<boolean> {
  const timer = setTimeout(() => closeQuietly(conn), timeoutMs);
  try {
    let written = 0;
    while (written < bytes.length) written += await conn.write(bytes.subarray(written));
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The next bytes; `null` when the client closed, the connection broke or `ms` ran out. */
async function read(conn: Deno.Conn, ms: number): Promise<Uint8Array | null> {
  if (ms <= 0) return null;
  const buffer = new Uint8Array(4096);
  const timer = setTimeout(() => closeQuietly(conn), ms);
  try {
    const count = await conn.read(buffer);
    return count === null ? null : buffer.subarray(0, count);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
