import { Buffer } from "node:buffer";
import { HTTPParser } from "http-parser-js";
import { interpretHead, type RequestHead, RequestHeadError } from "./request_head.ts";
import { concatBytes } from "./concat_bytes.ts";

/** A whole request: its checked head and its body. */
export interface ParsedRequest {
  head: RequestHead;
  body: Uint8Array;
}

/** How large a head and a body may be. */
export interface ParserLimits {
  /** The request line and header fields, terminators counted. */
  maxHeadBytes: number;
  maxBodyBytes: number;
}

/** Most requests a client may send ahead of the answers (pipelining) before it is cut off. */
const MAX_QUEUED = 16;

/**
 * Frames HTTP/1.x requests from a connection's bytes with `http-parser-js` (request line, field
 * lines, bare-LF line ends, obs-fold, Content-Length and chunked bodies), then applies this
 * server's rules to each head ({@linkcode interpretHead}) and its size limits.
 */
export class RequestParser {
  readonly #parser = new HTTPParser(HTTPParser.REQUEST);
  readonly #limits: ParserLimits;
  readonly #ready: ParsedRequest[] = [];
  #head: RequestHead | null = null;
  #chunks: Uint8Array[] = [];
  #bodyBytes = 0;
  /** Bytes fed since the current head began, while it is not complete. */
  #headBytes = 0;
  /** A head or a request completed during the current {@linkcode RequestParser.feed}. */
  #progressed = false;
  /** The parser stops at a CONNECT or Upgrade request: what follows is not HTTP/1.1. */
  #upgraded = false;

  constructor(limits: ParserLimits) {
    this.#limits = limits;
    this.#parser[HTTPParser.kOnHeadersComplete] = (info) => {
      const method = HTTPParser.methods[info.method] ?? "";
      const rawHeaders = info.headers;
      const size = method.length + info.url.length + 12 +
        rawHeaders.reduce((sum, field) => sum + field.length + 2, 0) + 2;
      if (size > limits.maxHeadBytes) throw headTooLarge(limits.maxHeadBytes);
      this.#upgraded = info.upgrade;
      const head = interpretHead({
        method,
        target: info.url,
        versionMajor: info.versionMajor,
        versionMinor: info.versionMinor,
        rawHeaders,
      });
      const declared = Number(head.headers.get("content-length") ?? 0);
      if (declared > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
      this.#head = head;
      this.#headBytes = 0;
      this.#progressed = true;
    };
    this.#parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
      this.#bodyBytes += length;
      if (this.#bodyBytes > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
      this.#chunks.push(new Uint8Array(chunk.subarray(offset, offset + length)));
    };
    this.#parser[HTTPParser.kOnMessageComplete] = () => {
      if (!this.#head) return;
      if (this.#ready.length >= MAX_QUEUED) {
        throw new RequestHeadError(429, "too_many_requests", "too many pipelined requests");
      }
      this.#ready.push({ head: this.#head, body: concatBytes(this.#chunks) });
      this.#head = null;
      this.#chunks = [];
      this.#bodyBytes = 0;
      this.#headBytes = 0;
      this.#progressed = true;
    };
  }

  /**
   * Parses the next bytes of the connection.
   * @throws {RequestHeadError} for a request the server refuses; the connection is then closed,
   * since where the next request starts is no longer known.
   */
  feed(bytes: Uint8Array): void {
    if (this.#upgraded) return;
    this.#progressed = false;
    let result: Error | number;
    try {
      result = this.#parser.execute(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    } catch (error) {
      if (error instanceof RequestHeadError) throw error;
      throw new RequestHeadError(400, "bad_request", `malformed request: ${describe(error)}`);
    }
    if (result instanceof Error) {
      if (/invalid request method/.test(result.message)) {
        throw new RequestHeadError(501, "not_implemented", "the request method is not served here");
      }
      throw new RequestHeadError(400, "bad_request", `malformed request: ${describe(result)}`);
    }
    // A head that never ends is cut off here; a whole one was measured when it completed.
    if (this.#head === null && !this.#progressed) {
      this.#headBytes += bytes.length;
      if (this.#headBytes > this.#limits.maxHeadBytes) {
        throw headTooLarge(this.#limits.maxHeadBytes);
      }
    }
  }

  /** The next whole request, oldest first. */
  take(): ParsedRequest | undefined {
    return this.#ready.shift();
  }

  /** The head of a request whose body is still coming, if any. */
  get awaitingBody(): RequestHead | null {
    return this.#head;
  }

  /** After a CONNECT or Upgrade request nothing more is parsed; the connection must close. */
  get upgraded(): boolean {
    return this.#upgraded;
  }
}

function headTooLarge(limit: number): RequestHeadError {
  return new RequestHeadError(
    431,
    "headers_too_large",
    `request heads are limited to ${limit} bytes`,
  );
}

function bodyTooLarge(limit: number): RequestHeadError {
  return new RequestHeadError(
    413,
    "payload_too_large",
    `request bodies are limited to ${limit} bytes`,
  );
}

function describe(error: unknown): string {
  const code = (error as { code?: string })?.code;
  return code ?? (error as Error)?.message ?? String(error);
}
