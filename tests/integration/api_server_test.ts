import assert from "node:assert/strict";
import { stringify } from "yaml";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { waitFor } from "../support/wait.ts";

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
        for (const conn of idle) {
          try {
            conn.close();
          } catch {
            // closed by the daemon
          }
        }
      }
      assert.equal(daemon.exited, false);
    }, { fileLimit: 1024 });
  },
});
