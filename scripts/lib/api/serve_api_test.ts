import assert from "node:assert/strict";
import { jsonResponse } from "./api_error.ts";
import { serveApi, type ServerLimits } from "./serve_api.ts";
import { closeAll } from "../../../tests/support/connections.ts";

/** A server whose handler echoes what reached it, so each case sees what the router would. */
async function withServer(
  body: (port: number, seen: string[]) => Promise<void>,
  limits: Partial<ServerLimits> = {},
) {
  const seen: string[] = [];
  const errors: Error[] = [];
  const server = serveApi({
    host: "127.0.0.1",
    port: 0,
    limits: { headerTimeoutMs: 2_000, transferTimeoutMs: 2_000, ...limits },
    onConnectionError: (error) => errors.push(error),
    handler: async (request) => {
      const url = new URL(request.url);
      const text = await request.text();
      seen.push(`${request.method} ${url.pathname}${url.search} ${text}`);
      if (url.pathname === "/empty") return new Response(null, { status: 204 });
      return jsonResponse({ path: url.pathname, body: text });
    },
  });
  try {
    await body(Number(new URL(server.url).port), seen);
    assert.deepEqual(errors, [], "no connection ended in an unforeseen error");
  } finally {
    await server.shutdown();
  }
}

/** Sends `parts` on one connection (a pause between them) and reads until the server closes. */
async function exchange(port: number, ...parts: string[]): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const encoder = new TextEncoder();
  const pauseMs = parts.length > 10 ? 1 : 30;
  for (const [index, part] of parts.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await conn.write(encoder.encode(part)).catch(() => 0);
  }
  let text = "";
  const buffer = new Uint8Array(65536);
  const timer = setTimeout(() => conn.close(), 5_000);
  try {
    while (true) {
      const count = await conn.read(buffer);
      if (count === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, count));
    }
  } catch {
    // closed by the timer
  } finally {
    clearTimeout(timer);
  }
  closeAll([conn]);
  return text;
}

const CLOSE = "Connection: close\r\n";

/** [case, request, status line it must get]. */
const RFC_CASES: [string, string, RegExp][] = [
  ["origin form", `GET /x?a=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`, /^HTTP\/1\.1 200 /],
  [
    "absolute form is accepted, its authority replaces Host (RFC 9112 §3.2.2)",
    `GET http://127.0.0.1:9/x HTTP/1.1\r\nHost: evil.example\r\n${CLOSE}\r\n`,
    /^HTTP\/1\.1 200 /,
  ],
  [
    "absolute form naming another server is misdirected",
    `GET http://evil.example/x HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`,
    /^HTTP\/1\.1 421 /,
  ],
  ["no Host in HTTP/1.1 (RFC 9112 §3.2)", `GET /x HTTP/1.1\r\n${CLOSE}\r\n`, /^HTTP\/1\.1 400 /],
  ["two Host lines", "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", /^HTTP\/1\.1 400 /],
  ["Host port above 65535", "GET /x HTTP/1.1\r\nHost: 127.0.0.1:70000\r\n\r\n", /^HTTP\/1\.1 400 /],
  ["Host with a space", "GET /x HTTP/1.1\r\nHost: 127.0.0.1 x\r\n\r\n", /^HTTP\/1\.1 400 /],
  ["Host with a path", "GET /x HTTP/1.1\r\nHost: 127.0.0.1/x?\r\n\r\n", /^HTTP\/1\.1 400 /],
  [
    "a name starting with 127. is no loopback address",
    `GET /x HTTP/1.1\r\nHost: 127.attacker.example\r\n${CLOSE}\r\n`,
    /^HTTP\/1\.1 421 /,
  ],
  ["TRACE (forbidden by Fetch)", "TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 501 /],
  ["TRACK (unknown method)", "TRACK / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 501 /],
  ["CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 501 /],
  ["lower-case method", "get / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 400 /],
  ["HTTP/2.0 in an HTTP/1 line", "GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 505 /],
  [
    "bare LF line ends are answered at once (RFC 9112 §2.2)",
    `GET /lf HTTP/1.1\nHost: 127.0.0.1\n${CLOSE.replace("\r", "")}\n`,
    /^HTTP\/1\.1 200 /,
  ],
  [
    "a head past 16 KiB in one write (431)",
    `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(17_000)}\r\n\r\n`,
    /^HTTP\/1\.1 431 /,
  ],
  [
    "Content-Length and Transfer-Encoding together (RFC 9112 §6.3)",
    "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    /^HTTP\/1\.1 400 /,
  ],
  [
    "two different Content-Lengths",
    "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    /^HTTP\/1\.1 400 /,
  ],
  [
    "Content-Length that is no number",
    "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
    /^HTTP\/1\.1 400 /,
  ],
  [
    "a transfer coding not served (RFC 9112 §6.1)",
    "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n",
    /^HTTP\/1\.1 501 /,
  ],
  [
    "a body over the limit, declared",
    "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999\r\n\r\n",
    /^HTTP\/1\.1 413 /,
  ],
  [
    "an expectation other than 100-continue (RFC 9110 §10.1.1)",
    "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{}",
    /^HTTP\/1\.1 417 /,
  ],
  [
    "a control character in a field value",
    "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x01b\r\n\r\n",
    /^HTTP\/1\.1 400 /,
  ],
  [
    "a header name that is no token",
    "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX(A): b\r\n\r\n",
    /^HTTP\/1\.1 400 /,
  ],
  ["a target with a space", "GET /a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 400 /],
  [
    "OPTIONS * (asterisk form)",
    `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`,
    /^HTTP\/1\.1 204 /,
  ],
];

Deno.test("serveApi: RFC 9112/9110 cases a client relies on, each answered and the server on", async () => {
  await withServer(async (port) => {
    for (const [name, request, status] of RFC_CASES) {
      const answer = await exchange(port, request);
      assert.match(answer, status, `${name}: got ${JSON.stringify(answer.slice(0, 60))}`);
      if (!/^HTTP\/1\.1 [23]/.test(answer)) assert.match(answer, /"error":"[a-z_]+"/, name);
    }
    const after = await exchange(port, `GET /still HTTP/1.1\r\nHost: localhost\r\n${CLOSE}\r\n`);
    assert.match(after, /^HTTP\/1\.1 200 /);
  });
});

Deno.test("serveApi: the route comes from the target alone, never from Host", async (t) => {
  await withServer(async (port, seen) => {
    await t.step("a path starting with // stays a path", async () => {
      await exchange(port, `GET //evil.example/x HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`);
      assert.equal(seen.at(-1), "GET //evil.example/x ");
    });
    await t.step("the absolute form's path and query", async () => {
      await exchange(port, `GET http://localhost/a?b=1 HTTP/1.1\r\nHost: x\r\n${CLOSE}\r\n`);
      assert.equal(seen.at(-1), "GET /a?b=1 ");
    });
  });
});

Deno.test("serveApi: Expect 100-continue, chunked bodies, pipelining and 204 framing", async (t) => {
  await withServer(async (port, seen) => {
    await t.step("100 Continue comes before the body is sent, then the answer", async () => {
      const answer = await exchange(
        port,
        `POST /c HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n${CLOSE}\r\n`,
        "{}",
      );
      assert.match(answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
      assert.equal(seen.at(-1), "POST /c {}");
    });
    await t.step("a misdirected request with Expect gets 421 and no 100", async () => {
      const answer = await exchange(
        port,
        "POST /c HTTP/1.1\r\nHost: evil.example\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
      );
      assert.match(answer, /^HTTP\/1\.1 421 /);
    });
    await t.step("a chunked body split across writes", async () => {
      const answer = await exchange(
        port,
        `POST /chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n${CLOSE}\r\n3\r\nab`,
        "c\r\n0\r\n\r\n",
      );
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.equal(seen.at(-1), "POST /chunked abc");
    });
    await t.step("two pipelined requests get two answers, in order", async () => {
      const answer = await exchange(
        port,
        "GET /one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
          `GET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`,
      );
      assert.deepEqual([...answer.matchAll(/"path":"(\/\w+)"/g)].map((match) => match[1]), [
        "/one",
        "/two",
      ]);
    });
    await t.step("204 carries no Content-Length (RFC 9110 §8.6)", async () => {
      const answer = await exchange(port, `GET /empty HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`);
      assert.match(answer, /^HTTP\/1\.1 204 /);
      assert.doesNotMatch(answer, /content-length/i);
    });
    await t.step("a request split at every byte is still one request", async () => {
      const request =
        `POST /split HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n${CLOSE}\r\nok`;
      const answer = await exchange(port, ...request.split(""));
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.equal(seen.at(-1), "POST /split ok");
    });
  });
});

Deno.test("serveApi: clients that declare a body and never send it cannot lock others out", async () => {
  await withServer(async (port) => {
    const stalled: Deno.Conn[] = [];
    try {
      for (let index = 0; index < 12; index++) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(new TextEncoder().encode(
          "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n",
        ));
        stalled.push(conn);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (let attempt = 0; attempt < 5; attempt++) {
        const answer = await exchange(port, `GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n${CLOSE}\r\n`);
        assert.match(answer, /^HTTP\/1\.1 200 /, `attempt ${attempt}`);
      }
      const oldest = await stalled[0].read(new Uint8Array(16)).catch(() => null);
      assert.equal(oldest, null, "the oldest stalled connection was closed to make room");
    } finally {
      closeAll(stalled);
    }
  }, { maxConnections: 8, transferTimeoutMs: 30_000, headerTimeoutMs: 30_000 });
});

Deno.test("serveApi: a head that never ends is cut off at its deadline", async () => {
  await withServer(async (port) => {
    const started = Date.now();
    const answer = await exchange(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    assert.equal(answer, "");
    const waited = Date.now() - started;
    assert.ok(waited >= 250 && waited < 4_000, `closed after ${waited} ms`);
  }, { headerTimeoutMs: 300 });
});
