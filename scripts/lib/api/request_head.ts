/** A request head the server refuses, with the status to answer. */
export class RequestHeadError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "RequestHeadError";
  }
}

/** What the server needs of a request's head. */
export interface RequestHead {
  method: string;
  /** The path and query, as sent (origin form). */
  target: string;
  headers: Headers;
  contentLength: number;
  /** Whether the connection stays open after the answer. */
  keepAlive: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses an HTTP/1.x request head (RFC 9112): request line, header fields, and the framing the
 * server supports — a `Content-Length` body of at most `maxBodyBytes`, no chunked bodies.
 * @throws {RequestHeadError} for a head the server refuses.
 */
export function parseRequestHead(bytes: Uint8Array, maxBodyBytes: number): RequestHead {
  const text = new TextDecoder("latin1").decode(bytes);
  const [requestLine, ...fieldLines] = text.slice(0, -4).split("\r\n");
  const parts = requestLine.split(" ");
  if (parts.length !== 3 || !TOKEN.test(parts[0])) {
    throw new RequestHeadError(400, "bad_request", "malformed request line");
  }
  const [method, target, version] = parts;
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
    throw new RequestHeadError(505, "http_version_not_supported", `${version} is not served`);
  }
  if (!target.startsWith("/")) {
    throw new RequestHeadError(400, "bad_request", "the request target must be a path");
  }
  const headers = new Headers();
  for (const line of fieldLines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) {
      throw new RequestHeadError(400, "bad_request", "malformed header field");
    }
    try {
      headers.append(name, line.slice(colon + 1).trim());
    } catch {
      throw new RequestHeadError(400, "bad_request", `malformed value of header ${name}`);
    }
  }
  if (headers.has("transfer-encoding")) {
    throw new RequestHeadError(
      411,
      "length_required",
      "chunked request bodies are not accepted; send Content-Length",
    );
  }
  const lengthText = headers.get("content-length") ?? "0";
  if (!/^\d+$/.test(lengthText)) {
    throw new RequestHeadError(400, "bad_request", "Content-Length must be a single number");
  }
  const contentLength = Number(lengthText);
  if (contentLength > maxBodyBytes) {
    throw new RequestHeadError(
      413,
      "payload_too_large",
      `request bodies are limited to ${maxBodyBytes} bytes`,
    );
  }
  if (version === "HTTP/1.1" && !headers.has("host")) {
    throw new RequestHeadError(400, "bad_request", "HTTP/1.1 requests need a Host header");
  }
  const connection = headers.get("connection")?.toLowerCase() ?? "";
  const keepAlive = version === "HTTP/1.1"
    ? !connection.split(",").some((token) => token.trim() === "close")
    : connection.split(",").some((token) => token.trim() === "keep-alive");
  return { method, target, headers, contentLength, keepAlive };
}
