import assert from "node:assert/strict";
import { stringify } from "yaml";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { waitFor } from "../support/wait.ts";
import { closeAll } from "../support/connections.ts";

const TOKEN = "server-token-0123456789";
const HEAL = { "breakwater.heal": "true", "breakwater.stop-timeout": "0" };

/** Sends raw bytes on a fresh connection and returns what comes back until it closes. */
async function raw(port: number, request: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(request));
  let text = "";
  const buffer = new Uint8Array(8192);
  while (true) {
    const count = await conn.read(buffer).catch(() => null);
    if (count === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, count));
    if (/\r\n\r\n/.test(text) && /connection: close/i.test(text)) {
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
      if (text.length >= text.indexOf("\r\n\r\n") + 4 + length) break;
    }
  }
  conn.close();
  return text;
}

async function withDaemon(
  body: (daemon: Daemon, url: string, containers: TestContainers) => Promise<void>,
  { fileLimit }: { fileLimit?: number } = {},
) {
  const containers = new TestContainers();
  const workspace = await createWorkspace(
    stringify({ api: { port: 0 }, gpu: { enabled: false }, probes: [] }),
  );
  const daemon = await Daemon.start(
    ["--config", workspace.configPath],
    { BREAKWATER_TOKEN: TOKEN },
    undefined,
    { fileLimit },
  );
  try {
    await body(daemon, await daemon.apiUrl(), containers);
    assert.doesNotMatch(daemon.output, /Uncaught|unhandled/i);
  } finally {
    await daemon.stop();
    await containers.removeAll();
    await workspace.remove();
  }
}

Deno.test({
  name:
    "API server: Host must name the listener; bad percent-encoding is 400; logs escape controls",
  async fn() {
    await withDaemon(async (daemon, url, containers) => {
      const port = Number(new URL(url).port);
      const rebound = await raw(
        port,
        "GET /healthz HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
      );
      assert.match(rebound, /^HTTP\/1\.1 421 /);
      assert.match(rebound, /"error":"misdirected_request"/);
      for (const host of ["localhost", `127.0.0.1:${port}`, `[::1]:${port}`]) {
        const answer = await raw(
          port,
          `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        );
        assert.match(answer, /^HTTP\/1\.1 200 /, host);
      }
      const badEncoding = await fetch(`${url}/api/v1/containers/%ZZ/restart`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(badEncoding.status, 400);
      assert.equal((await badEncoding.json()).error, "bad_request");

      await containers.create("escape", { labels: HEAL });
      const response = await fetch(
        `${url}/api/v1/containers/${containers.name("escape")}/restart`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ reason: "line one\nFAKE ERROR injected \u001b[31mred" }),
        },
      );
      assert.equal(response.status, 200);
      await daemon.waitForOutput(/line one\\nFAKE ERROR injected \\u001b\[31mred/);
      assert.doesNotMatch(daemon.output, /\nFAKE ERROR/);
    });
  },
});

Deno.test({
  name: "API server: one action per container — concurrent restarts give one restart and 409s",
  async fn() {
    await withDaemon(async (daemon, url, containers) => {
      const target = await containers.create("race", {
        labels: { "breakwater.stop-timeout": "1" },
      });
      const before = await containers.startedAt(target);
      const answers = await Promise.all(
        Array.from(
          { length: 5 },
          () =>
            fetch(`${url}/api/v1/containers/${containers.name("race")}/restart`, {
              method: "POST",
              headers: { authorization: `Bearer ${TOKEN}` },
            }).then(async (response) => ({ status: response.status, body: await response.json() })),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [200, 409, 409, 409, 409]);
      const refused = answers.find((answer) => answer.status === 409)!;
      assert.match(refused.body.message, /a restart asked by api is already under way/);
      assert.notEqual(await containers.startedAt(target), before);
      const { entries } = await (await fetch(`${url}/api/v1/journal`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })).json();
      const restarts = entries.filter((entry: { container?: { name: string } }) =>
        entry.container?.name === containers.name("race")
      );
      assert.equal(restarts.length, 1);
      assert.equal(daemon.exited, false);
    });
  },
});

Deno.test({
  name: "API server: 2000 idle connections under ulimit -n 1024 — still answering, still healing",
  async fn() {
    await withDaemon(async (daemon, url, containers) => {
      const port = Number(new URL(url).port);
      const idle: Deno.Conn[] = [];
      try {
        for (let index = 0; index < 2_000; index++) {
          idle.push(await Deno.connect({ hostname: "127.0.0.1", port }));
          if (index % 500 === 499) {
            // half-open requests too: a head that never ends
            await idle[index].write(new TextEncoder().encode("GET /healthz HTTP/1.1\r\n"));
          }
        }
        const healthz = await waitFor("/healthz from a fresh connection", async () => {
          const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
          return response.ok ? await response.json() : null;
        }, { timeoutMs: 15_000 });
        assert.equal(healthz.ready, true);

        const victim = await containers.create("flooded", { labels: HEAL });
        await waitFor("healthy", async () => (await containers.health(victim)) === "healthy");
        const before = await containers.startedAt(victim);
        await containers.exec(victim, ["rm", "/tmp/ok"]);
        await waitFor("the restart", async () => (await containers.startedAt(victim)) !== before);

        const status = await Deno.readTextFile(`/proc/${daemon.pid}/status`);
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
        assert.ok(rssKb < 250 * 1024, `RSS ${rssKb} kB`);
        const fds = [...Deno.readDirSync(`/proc/${daemon.pid}/fd`)].length;
        assert.ok(fds < 400, `${fds} file descriptors open`);
      } finally {
        closeAll(idle);
      }
      assert.equal(daemon.exited, false);
    }, { fileLimit: 1024 });
  },
});

/** A small seeded generator, so that a failing run can be replayed with its seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FUZZ_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "TRACK",
  "CONNECT",
  "FOO",
  "get",
  "G ET",
  "",
  "M-SEARCH",
  "\x00GET",
];
const FUZZ_TARGETS = [
  "/healthz",
  "/api/v1/status",
  "/api/v1/containers/x/restart",
  "/api/v1/journal?limit=abc",
  "/api/v1/watchdog/arm",
  "/metrics",
  "*",
  "http://127.0.0.1/healthz",
  "http://evil.example/",
  "//evil.example/x",
  "/%ZZ",
  "/a b",
  "/\xff\xfe",
  "",
  "/" + "a".repeat(20_000),
];
const FUZZ_VERSIONS = [
  "HTTP/1.1",
  "HTTP/1.1",
  "HTTP/1.0",
  "HTTP/2.0",
  "HTTP/1.x",
  "",
  "HTTP/1.1 x",
];
const FUZZ_HOSTS = [
  "127.0.0.1",
  "localhost:1",
  "[::1]",
  "127.0.0.1:70000",
  "127.attacker.example",
  "a b",
  "127.0.0.1/x?",
  "",
  "evil.example",
  "127.0.0.1, evil.example",
];

/** One request a well-behaved client would never send, as bytes. */
function fuzzRequest(random: () => number, token: string): Uint8Array {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const fields: [string, string][] = [["Host", pick(FUZZ_HOSTS)]];
  if (random() < 0.5) {
    fields.push(["Authorization", random() < 0.2 ? `Bearer ${token}` : "Bearer x"]);
  }
  if (random() < 0.4) {
    fields.push(["Content-Length", pick(["0", "2", "10", "-1", "abc", "99999999"])]);
  }
  if (random() < 0.2) fields.push(["Transfer-Encoding", pick(["chunked", "gzip", "chunked, x"])]);
  if (random() < 0.2) fields.push(["Expect", pick(["100-continue", "nothing"])]);
  if (random() < 0.3) fields.push(["Connection", pick(["close", "keep-alive", "upgrade"])]);
  if (random() < 0.1) fields.push(["Upgrade", "websocket"]);
  const mutations = Math.floor(random() * 4);
  for (let index = 0; index < mutations; index++) {
    const at = Math.floor(random() * fields.length);
    switch (Math.floor(random() * 5)) {
      case 0: // duplicated
        if (fields[at]) fields.push(fields[at]);
        break;
      case 1: // dropped
        fields.splice(at, 1);
        break;
      case 2: // oversized
        fields.push(["X-Big", "b".repeat(Math.floor(random() * 40_000))]);
        break;
      case 3: // bad bytes
        fields.push([
          pick(["X\x00", "X Y", "", ":", "X-Ok"]),
          pick(["\x01", "a\rb", "\xff", " fold"]),
        ]);
        break;
      default: // a line with no colon, or an obs-fold
        fields.push([pick(["no colon here", " continued"]), ""]);
    }
  }
  const eol = random() < 0.15 ? "\n" : "\r\n";
  let text = `${pick(FUZZ_METHODS)} ${pick(FUZZ_TARGETS)} ${pick(FUZZ_VERSIONS)}${eol}` +
    fields.map(([name, value]) => value === "" ? name : `${name}: ${value}`).join(eol) +
    `${eol}${eol}` +
    (random() < 0.3 ? pick(["{}", '{"reason":"x"}', "3\r\nabc\r\n0\r\n\r\n"]) : "");
  if (random() < 0.2) text = text.slice(0, Math.floor(random() * text.length));
  const bytes = new Uint8Array([...text].map((char) => char.charCodeAt(0) & 0xff));
  const flips = random() < 0.3 ? Math.floor(random() * 4) : 0;
  for (let index = 0; index < flips; index++) {
    bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  }
  return bytes;
}

/** Sends `bytes` cut at random places, reads a little of the answer, and hangs up. */
async function sendFuzzed(port: number, bytes: Uint8Array, random: () => number) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const cuts = [
      0,
      ...Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * bytes.length))
        .sort((a, b) => a - b),
      bytes.length,
    ];
    for (let index = 1; index < cuts.length; index++) {
      await conn.write(bytes.subarray(cuts[index - 1], cuts[index]));
      if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const timer = setTimeout(() => conn.close(), 100);
    await conn.read(new Uint8Array(1024)).catch(() => null);
    clearTimeout(timer);
  } catch {
    // the daemon hung up first: that is an answer too
  } finally {
    closeAll([conn]);
  }
}

Deno.test({
  name: "API server: fuzzed requests for a bounded time — the daemon still answers and still heals",
  async fn() {
    await withDaemon(async (daemon, url, containers) => {
      const port = Number(new URL(url).port);
      const seed = Number(Deno.env.get("BREAKWATER_FUZZ_SEED") ?? Date.now() % 1_000_000);
      const seconds = Number(Deno.env.get("BREAKWATER_FUZZ_SECONDS") ?? 40);
      console.log(`fuzz seed ${seed} (BREAKWATER_FUZZ_SEED replays it), ${seconds} s`);
      const random = seeded(seed);
      const until = Date.now() + seconds * 1_000;
      let sent = 0;
      const worker = async () => {
        while (Date.now() < until && sent < 20_000) {
          sent++;
          await sendFuzzed(port, fuzzRequest(random, TOKEN), random);
          if (sent % 1_000 === 0) assert.equal(daemon.exited, false, `after ${sent} requests`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      console.log(`${sent} fuzzed requests sent`);
      assert.ok(sent >= 1_000, `only ${sent} requests in ${seconds} s`);
      assert.equal(daemon.exited, false);

      const healthz = await waitFor("/healthz after the fuzzing", async () => {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        return response.ok ? await response.json() : null;
      }, { timeoutMs: 15_000 });
      assert.equal(healthz.ready, true);
      const victim = await containers.create("fuzzed", { labels: HEAL });
      await waitFor("healthy", async () => (await containers.health(victim)) === "healthy");
      const before = await containers.startedAt(victim);
      await containers.exec(victim, ["rm", "/tmp/ok"]);
      await waitFor("the restart", async () => (await containers.startedAt(victim)) !== before);
      assert.doesNotMatch(daemon.output, /unforeseen error/);
    });
  },
});

Deno.test({
  name: "API server: requests that stopped the daemon (bad Host, TRACE, CONNECT) get 4xx/501; " +
    "140 stalled bodies do not lock /healthz out",
  async fn() {
    await withDaemon(async (daemon, url) => {
      const port = Number(new URL(url).port);
      const cases: [string, RegExp][] = [
        ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 400 /],
        ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:99999\r\n\r\n", /^HTTP\/1\.1 400 /],
        ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1 x\r\n\r\n", /^HTTP\/1\.1 400 /],
        ["TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 501 /],
        ["TRACK / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 501 /],
        ["CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", /^HTTP\/1\.1 501 /],
        ["GET /healthz HTTP/1.1\r\nHost: 127.attacker.example\r\n\r\n", /^HTTP\/1\.1 421 /],
      ];
      for (const [request, status] of cases) assert.match(await raw(port, request), status);
      assert.equal(daemon.exited, false);

      const stalled: Deno.Conn[] = [];
      try {
        for (let index = 0; index < 140; index++) {
          const conn = await Deno.connect({ hostname: "127.0.0.1", port });
          await conn.write(new TextEncoder().encode(
            "POST /api/v1/watchdog/arm HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n",
          ));
          stalled.push(conn);
        }
        let answered = 0;
        for (let attempt = 0; attempt < 25; attempt++) {
          const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })
            .catch(() => null);
          if (response?.ok) answered++;
          await response?.body?.cancel();
        }
        assert.equal(answered, 25);
      } finally {
        closeAll(stalled);
      }
    });
  },
});
