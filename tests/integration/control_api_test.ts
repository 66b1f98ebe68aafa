import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify } from "yaml";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon, type Workspace } from "../support/daemon.ts";
import { assertMatchesSchema } from "../support/openapi_validator.ts";
import { SocketProxy } from "../support/socket_proxy.ts";
import { waitFor } from "../support/wait.ts";

const TOKEN = "integration-token-0123456789";
const MIB64 = 64 * 1024 ** 2;

interface Running {
  daemon: Daemon;
  url: string;
  workspace: Workspace;
  containers: TestContainers;
  call(
    method: string,
    path: string,
    init?: RequestInit & { token?: string | null },
  ): Promise<Response>;
  stop(): Promise<void>;
}

async function start(
  overrides: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<Running> {
  const containers = new TestContainers();
  const workspace = await createWorkspace(stringify({
    api: { port: 0 },
    gpu: { enabled: false },
    probes: [],
    metricsInterval: "1s",
    ...overrides,
  }));
  const daemon = await Daemon.start(["--config", workspace.configPath], {
    BREAKWATER_TOKEN: TOKEN,
    ...env,
  });
  const url = await daemon.apiUrl();
  return {
    daemon,
    url,
    workspace,
    containers,
    call: (method, path, init = {}) => {
      const { token = TOKEN, headers, ...rest } = init;
      return fetch(`${url}${path}`, {
        method,
        ...rest,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers as Record<string, string>,
        },
      });
    },
    async stop() {
      await daemon.stop();
      await containers.removeAll();
      await workspace.remove();
    },
  };
}

Deno.test({
  name: "control API: every endpoint's happy path, answers matching the OpenAPI schemas",
  async fn() {
    const api = await start();
    try {
      const limited = await api.containers.create("limited", {
        labels: { "breakwater.heal": "true" },
        hostConfig: { NanoCpus: 250_000_000, Memory: MIB64, MemorySwap: MIB64 },
      });
      const healthz = await (await api.call("GET", "/healthz", { token: null })).json();
      assertMatchesSchema("Healthz", healthz);
      assert.equal(healthz.engine.reachable, true);

      const status = await waitFor("the container in the status", async () => {
        const body = await (await api.call("GET", "/api/v1/status")).json();
        return body.containers.some((c: { name: string }) =>
          c.name === api.containers.name("limited")
        ) && body;
      });
      assertMatchesSchema("Status", status);
      const row = status.containers.find((c: { name: string }) =>
        c.name === api.containers.name("limited")
      );
      assert.equal(row.id, limited.id);
      assert.equal(row.memoryLimitBytes, MIB64);
      assert.equal(row.nanoCpus, 250_000_000);
      assert.equal(row.heal, true);
      assert.equal(row.pausable, true);
      assert.equal(status.watchdog.state, "off");

      const openapi = await (await api.call("GET", "/api/v1/openapi.json")).json();
      assert.equal(openapi.openapi, "3.1.0");

      const action = await api.call(
        "POST",
        `/api/v1/containers/${api.containers.name("limited")}/pause`,
        {
          headers: { "x-grafana-user": "alice" },
        },
      );
      const acted = await action.json();
      assert.equal(action.status, 200, JSON.stringify(acted));
      assertMatchesSchema("ActionResult", acted);
      assert.equal((await limited.inspect()).State.Status, "paused");

      const armed = await (await api.call("POST", "/api/v1/watchdog/disarm", {
        headers: { "x-grafana-user": "bob" },
      })).json();
      assertMatchesSchema("WatchdogResult", armed);
      assert.equal(armed.armed, false);

      const journal = await (await api.call("GET", "/api/v1/journal?limit=10")).json();
      assertMatchesSchema("Journal", journal);
      assert.deepEqual(
        journal.entries.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`),
        [
          "pause:grafana:alice",
          "watchdog-disarm:grafana:bob",
        ],
      );
      const after = await (await api.call("GET", "/api/v1/status")).json();
      assert.equal(after.watchdog.armed, false);
    } finally {
      await api.stop();
    }
  },
});

Deno.test({
  name: "control API: a restart through the API restarts the real container and journals the user",
  async fn() {
    const api = await start();
    try {
      const target = await api.containers.create("restart-me", {
        labels: { "breakwater.stop-timeout": "0" },
      });
      const before = (await target.inspect()).State.StartedAt;
      const response = await api.call(
        "POST",
        `/api/v1/containers/${api.containers.name("restart-me")}/restart`,
        {
          headers: { "x-grafana-user": "editor", "content-type": "application/json" },
          body: JSON.stringify({ reason: "from the panel" }),
        },
      );
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.equal(body.entry.result, "ok");
      assert.notEqual((await target.inspect()).State.StartedAt, before);
      const [entry] = await api.workspace.entries();
      assert.deepEqual([entry.action, entry.actor, entry.reason, entry.container?.id], [
        "restart",
        "grafana:editor",
        "from the panel",
        target.id,
      ]);
      // The status answers from the latest sample; one taken after the restart shows it.
      const row = await waitFor("the status to list the restarted container", async () => {
        const status = await (await api.call("GET", "/api/v1/status")).json();
        assertMatchesSchema("Status", status);
        return status.containers.find((each: { id: string }) => each.id === target.id);
      });
      assert.deepEqual(
        [row.breakwaterRestarts, row.lastAction],
        [1, { action: "restart", actor: "grafana:editor", result: "ok", at: entry.time }],
        "the status shows the restart and who asked for it",
      );
    } finally {
      await api.stop();
    }
  },
});

Deno.test({
  name: "control API security: 401, 403, 404, 405, 413; bad names never reach the engine",
  async fn() {
    const socketDir = await Deno.makeTempDir();
    const proxy = new SocketProxy(join(socketDir, "docker.sock"));
    proxy.start();
    const api = await start({ metricsInterval: "10m", heal: { reconcileInterval: "10m" } }, {
      DOCKER_HOST: `unix://${proxy.path}`,
    });
    try {
      await api.containers.create("guarded", { labels: { "breakwater.protected": "true" } });
      await api.containers.create("owner", { labels: { "breakwater.gpu-owner": "true" } });
      const statusOf = async (
        method: string,
        path: string,
        init?: RequestInit & { token?: string | null },
      ) => {
        const response = await api.call(method, path, init);
        const body = await response.json();
        assert.equal(typeof body.error, "string", `${method} ${path}: JSON error body`);
        assert.equal(typeof body.message, "string");
        return response.status;
      };
      assert.equal(await statusOf("GET", "/api/v1/status", { token: null }), 401);
      assert.equal(await statusOf("GET", "/api/v1/status", { token: "wrong" }), 401);
      assert.equal(
        await statusOf("POST", `/api/v1/containers/${api.containers.name("guarded")}/restart`),
        403,
      );
      assert.equal(
        await statusOf("POST", `/api/v1/containers/${api.containers.name("owner")}/stop`),
        403,
      );
      assert.equal(
        await statusOf("POST", "/api/v1/containers/no-such-container-here/restart"),
        404,
      );
      assert.equal(await statusOf("GET", "/api/v1/nothing"), 404);
      assert.equal(await statusOf("PUT", "/api/v1/watchdog/arm"), 405);
      assert.equal(
        await statusOf("POST", "/api/v1/containers/x/restart", { body: "x".repeat(17 * 1024) }),
        413,
      );

      const engineCallsBefore = proxy.connectionsMade;
      for (const name of ["..%2Fx", "x".repeat(300), "with%20spaces", "-leading", "%00"]) {
        assert.equal(await statusOf("POST", `/api/v1/containers/${name}/restart`), 400, name);
      }
      // Dot segments are resolved by the URL itself, so they never name a container.
      for (const name of ["..", "%2E%2E"]) {
        assert.equal(await statusOf("POST", `/api/v1/containers/${name}/restart`), 404, name);
      }
      assert.equal(proxy.connectionsMade, engineCallsBefore, "no engine call for a bad name");
    } finally {
      await api.stop();
      await proxy.stop();
      await Deno.remove(socketDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "control API fuzz: 600 random requests leave the daemon alive and answering",
  async fn() {
    const api = await start({ metricsInterval: "10m" });
    try {
      const random = mulberry32(20261127);
      const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
      const paths = [
        "/healthz",
        "/metrics",
        "/api/v1/status",
        "/api/v1/journal?limit=" + "9".repeat(30),
        "/api/v1/journal?since=%ZZ",
        "/api/v1/containers/%00/restart",
        "/api/v1/containers/no-such/stop",
        "/api/v1/containers//restart",
        "/api/v1/watchdog/arm",
        "/api/v1/../../etc/passwd",
        "/" + "a/".repeat(200),
        "/api/v1/containers/%E0%A4%A/restart",
      ];
      const bodies = [
        undefined,
        "",
        "{",
        "null",
        "[]",
        '{"reason":' + "1".repeat(50) + "}",
        "\u0000\u0001",
        "x".repeat(20_000),
      ];
      const headerSets: Record<string, string>[] = [
        {},
        { authorization: "Bearer " },
        { authorization: `Bearer ${TOKEN}` },
        { authorization: `Bearer ${TOKEN}`, "x-grafana-user": "\u202e" + "x".repeat(300) },
        { authorization: `bearer ${TOKEN}`, "content-length": "99999999" },
      ];
      const statuses = new Map<number, number>();
      for (let i = 0; i < 600; i++) {
        const method = pick(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
        const path = pick(paths) +
          (random() < 0.3 ? `?${String.fromCharCode(33 + Math.floor(random() * 90))}` : "");
        const body = method === "GET" || method === "HEAD" ? undefined : pick(bodies);
        try {
          const response = await fetch(`${api.url}${path}`, {
            method,
            body,
            headers: { ...pick(headerSets) },
          });
          await response.body?.cancel();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          assert.ok(
            response.status < 500 || response.status === 502,
            `${method} ${path} → ${response.status}`,
          );
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // a request the client itself refuses to send
        }
      }
      assert.equal((await fetch(`${api.url}/healthz`)).status, 200);
      assert.equal(api.daemon.exited, false);
      assert.doesNotMatch(api.daemon.output, /Uncaught|unhandled|panicked/i);
      assert.ok(
        (statuses.get(401) ?? 0) > 0 && (statuses.get(405) ?? 0) > 0 &&
          (statuses.get(404) ?? 0) > 0,
      );
    } finally {
      await api.stop();
    }
  },
});

Deno.test({
  name: "/metrics passes promtool and matches the engine; probes see a slow then down endpoint",
  async fn() {
    let mode: "fast" | "slow" | "down" = "fast";
    const target = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
      if (mode === "slow") await new Promise((resolve) => setTimeout(resolve, 600));
      return mode === "down" ? new Response("no", { status: 503 }) : new Response("ok");
    });
    const api = await start({
      metricsInterval: "500ms",
      probeInterval: "300ms",
      probes: [{
        name: "agent",
        url: `http://127.0.0.1:${target.addr.port}/healthz`,
        timeout: "2s",
      }],
    });
    try {
      await api.containers.create("measured", {
        hostConfig: { NanoCpus: 500_000_000, Memory: MIB64, MemorySwap: MIB64 },
      });
      const name = api.containers.name("measured");
      const text = await waitFor("the container's series", async () => {
        const body = await (await api.call("GET", "/metrics")).text();
        return body.includes(`container="${name}"`) && body.includes('probe_up{probe="agent"} 1') &&
          body;
      });
      const check = new Deno.Command("promtool", {
        args: ["check", "metrics"],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = check.stdin.getWriter();
      await writer.write(new TextEncoder().encode(text));
      await writer.close();
      const lint = await check.output();
      assert.equal(
        lint.code,
        0,
        new TextDecoder().decode(lint.stderr) + new TextDecoder().decode(lint.stdout),
      );
      const value = (series: string) =>
        Number(text.split("\n").find((line) => line.startsWith(series + " "))?.split(" ")[1]);
      assert.equal(value(`breakwater_container_memory_limit_bytes{container="${name}"}`), MIB64);
      assert.equal(value(`breakwater_container_cpu_limit_cores{container="${name}"}`), 0.5);
      assert.equal(value(`breakwater_container_running{container="${name}"}`), 1);
      assert.ok(value(`breakwater_container_memory_working_set_bytes{container="${name}"}`) > 0);
      for (
        const family of [
          "breakwater_process_resident_memory_bytes",
          "breakwater_engine_up",
          "breakwater_watchdog_armed",
          "breakwater_probe_duration_seconds_bucket",
        ]
      ) {
        assert.match(text, new RegExp(`^${family}`, "m"), family);
      }

      mode = "slow";
      await waitFor("a slow answer in the histogram", async () => {
        const body = await (await api.call("GET", "/metrics")).text();
        const fast = Number(
          /breakwater_probe_duration_seconds_bucket\{le="0\.5",probe="agent",result="up"\} (\d+)/
            .exec(body)
            ?.[1],
        );
        const all = Number(
          /breakwater_probe_duration_seconds_count\{probe="agent",result="up"\} (\d+)/.exec(body)
            ?.[1],
        );
        return all > fast;
      });
      mode = "down";
      await waitFor(
        "the probe down",
        async () =>
          (await (await api.call("GET", "/metrics")).text()).includes(
            'breakwater_probe_up{probe="agent"} 0',
          ),
      );
      assert.match(
        await (await api.call("GET", "/metrics")).text(),
        /breakwater_probe_duration_seconds_count\{probe="agent",result="down"\} [1-9]/,
        "failed probes are kept apart from the latency of answered ones",
      );
      const status = await (await api.call("GET", "/api/v1/status")).json();
      assert.deepEqual([status.probes[0].name, status.probes[0].up, status.probes[0].status], [
        "agent",
        false,
        503,
      ]);
    } finally {
      await api.stop();
      await target.shutdown();
    }
  },
});

Deno.test({
  name:
    "notifications reach a webhook and a Telegram-shaped endpoint; a hanging receiver delays nothing",
  async fn() {
    const received: { path: string; body: Record<string, unknown> }[] = [];
    const receiver = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        received.push({ path: new URL(request.url).pathname, body: await request.json() });
        return Response.json({ ok: true });
      },
    );
    let release = () => {};
    const gate = new Promise<void>((resolve) => release = resolve);
    const hanging = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
      await gate;
      return new Response("too late");
    });
    const api = await start({
      notify: {
        webhook: { url: `http://127.0.0.1:${hanging.addr.port}/never`, payloadKey: "text" },
        telegram: {
          botToken: "42:XYZ",
          chatId: "-100",
          apiBase: `http://127.0.0.1:${receiver.addr.port}`,
        },
        retries: 0,
        timeout: "1s",
      },
    });
    try {
      await api.containers.create("notified", { labels: { "breakwater.stop-timeout": "0" } });
      const started = performance.now();
      const response = await api.call(
        "POST",
        `/api/v1/containers/${api.containers.name("notified")}/pause`,
      );
      assert.equal(response.status, 200);
      await response.body?.cancel();
      assert.ok(
        performance.now() - started < 1_000,
        "the action did not wait for the hanging webhook",
      );
      const message = await waitFor(
        "the Telegram message",
        () => received.find((r) => r.path === "/bot42:XYZ/sendMessage"),
      );
      assert.equal(message.body.chat_id, "-100");
      assert.match(
        message.body.text as string,
        new RegExp(`^breakwater: pause ${api.containers.name("notified")} — ok`),
      );
      const failure = await waitFor(
        "the webhook failure in the journal",
        async () => (await api.workspace.entries()).find((entry) => entry.action === "notify"),
      );
      assert.equal(failure.result, "failed");
      assert.match(failure.reason, /^webhook notification for "pause" failed/);
    } finally {
      await api.stop();
      release();
      await receiver.shutdown();
      await hanging.shutdown();
    }
  },
});

/** A small seeded random number generator, so a failing fuzz run can be replayed. */
function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test({
  name: "/metrics: the last day's journaled actions are marked again when the daemon starts",
  async fn() {
    const workspace = await createWorkspace(stringify({
      api: { port: 0 },
      gpu: { enabled: false },
      probes: [],
    }));
    const hour = 60 * 60 * 1_000;
    const at = (ageMs: number) => new Date(Date.now() - ageMs).toISOString();
    const line = (ageMs: number, action: string, container: string, reason: string) =>
      JSON.stringify({
        time: at(ageMs),
        action,
        container: { name: container, id: "x" },
        reason,
        details: {},
        actor: "grafana:ada",
        result: "ok",
      });
    const recent = line(2 * hour, "restart", "api", "asked from Grafana");
    await Deno.mkdir(workspace.stateDir, { recursive: true });
    await Deno.writeTextFile(
      join(workspace.stateDir, "journal.jsonl"),
      [
        line(3 * hour, "restart", "api", "an older restart"),
        recent,
        line(25 * hour, "pause", "bot", "too old to draw again"),
        "",
      ].join("\n"),
    );
    const daemon = await Daemon.start(["--config", workspace.configPath], {
      BREAKWATER_TOKEN: TOKEN,
    });
    try {
      const metrics = await (await fetch(`${await daemon.apiUrl()}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })).text();
      const marks = metrics.split("\n").filter((text) =>
        text.startsWith("breakwater_action_timestamp_seconds{")
      );
      assert.deepEqual(marks, [
        `breakwater_action_timestamp_seconds{action="restart",container="api",actor="grafana:ada",reason="asked from Grafana",result="ok"} ${
          Date.parse(JSON.parse(recent).time) / 1_000
        }`,
      ]);
    } finally {
      await daemon.stop();
      await workspace.remove();
    }
  },
});
