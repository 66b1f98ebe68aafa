import { parseAuthority } from "./allowed_host.ts";

/** A request the server refuses, with the status to answer (RFC 9110 §15). */
export class RequestHeadError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "RequestHeadError";
  }
}

/** A request head as the parser framed it, before any rule of this server is applied. */
export interface RawHead {
  method: string;
  target: string;
  versionMajor: number;
  versionMinor: number;
  /** Field lines in the order received: `[name, value, name, value, …]`. */
  rawHeaders: readonly string[];
}

/** What the server needs of a request's head, checked. */
export interface RequestHead {
  method: string;
  /** The path and query the route is chosen from: the target's alone, never `Host`'s. */
  path: string;
  /** The authority the request names: the absolute-form target's, else `Host`'s. */
  authority: string;
  headers: Headers;
  /** Whether the connection stays open after the answer. */
  keepAlive: boolean;
  /** The client waits for `100 Continue` before it sends the body (RFC 9110 §10.1.1). */
  expectContinue: boolean;
  /** A body is framed by `Content-Length` (above 0) or chunked transfer coding. */
  hasBody: boolean;
}

/**
 * The methods handed to the API's router (which answers 405 where a route does not take one);
 * anything else is 501 (RFC 9110 §9.1), so that no method the Fetch API forbids (CONNECT, TRACE,
 * TRACK) ever reaches `new Request`.
 */
const SERVED_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
]);

/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 §5.5: field values are visible characters, spaces and tabs; no other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** RFC 9112 §3.2: a request target is visible US-ASCII, no spaces. */
const TARGET = /^[\x21-\x7e]+$/;

/**
 * Applies RFC 9112/9110's rules for a server to a parsed head: version, method, target form,
 * field syntax, exactly one valid `Host`, body framing and `Expect`. Pure.
 * @throws {RequestHeadError} for a head the server refuses.
 */
export function interpretHead(raw: RawHead): RequestHead {
  const version = `${raw.versionMajor}.${raw.versionMinor}`;
  if (version !== "1.1" && version !== "1.0") {
    throw new RequestHeadError(505, "http_version_not_supported", `HTTP/${version} is not served`);
  }
  if (!SERVED_METHODS.has(raw.method)) {
    throw new RequestHeadError(501, "not_implemented", `${raw.method} is not served here`);
  }
  const headers = new Headers();
  const hosts: string[] = [];
  const lengths: string[] = [];
  for (let index = 0; index < raw.rawHeaders.length; index += 2) {
    const name = raw.rawHeaders[index];
    const value = raw.rawHeaders[index + 1];
    if (!TOKEN.test(name)) throw bad(`malformed header field name "${printable(name)}"`);
    if (!FIELD_VALUE.test(value)) throw bad(`control characters in the value of ${name}`);
    const lower = name.toLowerCase();
    if (lower === "host") hosts.push(value);
    if (lower === "content-length") lengths.push(...value.split(",").map((part) => part.trim()));
    headers.append(name, value);
  }
  if (hosts.length > 1) throw bad("more than one Host header (RFC 9112 §3.2)");
  if (hosts.length === 0 && version === "1.1") {
    throw bad("HTTP/1.1 requests need a Host header (RFC 9112 §3.2)");
  }
  const host = hosts[0];
  if (host !== undefined && host !== "" && parseAuthority(host) === null) {
    throw bad(`Host "${printable(host)}" is not a valid host[:port]`);
  }
  const { path, authority } = targetOf(raw.method, raw.target, host ?? "");

  const transferEncoding = headers.get("transfer-encoding");
  if (lengths.some((length) => !/^\d{1,15}$/.test(length)) || new Set(lengths).size > 1) {
    throw bad("Content-Length must be a single number");
  }
  if (transferEncoding !== null) {
    if (version === "1.0") throw bad("Transfer-Encoding is not allowed in HTTP/1.0");
    if (lengths.length > 0) {
      throw bad("a request may not carry both Transfer-Encoding and Content-Length");
    }
    if (transferEncoding.trim().toLowerCase() !== "chunked") {
      throw new RequestHeadError(
        501,
        "not_implemented",
        `transfer coding "${
          printable(transferEncoding)
        }" is not served; send chunked or Content-Length`,
      );
    }
  }
  const expect = headers.get("expect");
  if (expect !== null && expect.trim().toLowerCase() !== "100-continue") {
    throw new RequestHeadError(
      417,
      "expectation_failed",
      `Expect "${printable(expect)}" is not met`,
    );
  }
  const connection = (headers.get("connection") ?? "").toLowerCase().split(",").map((token) =>
    token.trim()
  );
  const hasBody = transferEncoding !== null || Number(lengths[0] ?? 0) > 0;
  return {
    method: raw.method,
    path,
    authority,
    headers,
    keepAlive: version === "1.1"
      ? !connection.includes("close")
      : connection.includes("keep-alive"),
    expectContinue: expect !== null && hasBody,
    hasBody,
  };
}

/** The route's path and the request's authority, from the target's form (RFC 9112 §3.2). */
function targetOf(method: string, target: string, host: string) {
  if (!TARGET.test(target)) throw bad("the request target has spaces or non-ASCII bytes");
  if (target.startsWith("/")) {
    // Concatenated, not resolved against a base: `//other/x` stays a path.
    const url = parseUrl(`http://breakwater.invalid${target}`);
    return { path: url.pathname + url.search, authority: host };
  }
  if (target === "*" && method === "OPTIONS") return { path: "*", authority: host };
  if (/^https?:\/\//i.test(target)) {
    // RFC 9112 §3.2.2: the authority of an absolute-form target replaces Host.
    const url = parseUrl(target);
    if (url.username || url.password) throw bad("the request target may not carry user info");
    return { path: url.pathname + url.search, authority: url.host };
  }
  throw bad("the request target must be a path (origin form) or an absolute http URL");
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw bad("the request target is not a valid URL");
  }
}

function bad(message: string): RequestHeadError {
  return new RequestHeadError(400, "bad_request", message);
}

/** A client's bytes, shortened and with controls escaped, for an error message. */
function printable(text: string): string {
  const escaped = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return escaped.slice(1, -1);
}
