import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify } from "yaml";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon, runScript } from "../support/daemon.ts";
import { SocketProxy } from "../support/socket_proxy.ts";
import { waitFor } from "../support/wait.ts";

const HEAL = { "breakwater.heal": "true", "breakwater.stop-timeout": "0" };
const TOKEN = "faults-token-0123456789";

const get = async (url: string, path: string) => {
  const response = await fetch(`${url}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return path === "/metrics" ? await response.text() : await response.json();
};

async function mountTmpfs(dir: string, size: string): Promise<void> {
  const mounted = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
  }).output();
  if (!mounted.success) throw new Error(new TextDecoder().decode(mounted.stderr));
}

async function umount(dir: string): Promise<void> {
  await new Deno.Command("umount", { args: [dir] }).output();
}

Deno.test({
  name: "a full disk: healing goes on from memory, counts only what happened, says so, recovers",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(
      stringify({ api: { port: 0 }, gpu: { enabled: false }, probes: [] }),
    );
    await Deno.mkdir(workspace.stateDir, { recursive: true });
    await mountTmpfs(workspace.stateDir, "64k");
    let daemon: Daemon | undefined;
    try {
      const victim = await containers.create("full-disk", { labels: HEAL });
      await waitFor("healthy", async () => (await containers.health(victim)) === "healthy");
      daemon = await Daemon.start(["--config", workspace.configPath], { BREAKWATER_TOKEN: TOKEN });
      const url = await daemon.apiUrl();
      // Fill the disk to the last byte: every later write fails with ENOSPC.
      const filler = await Deno.open(join(workspace.stateDir, "filler"), {
        write: true,
        create: true,
      });
      try {
        while (true) await filler.write(new Uint8Array(4096));
      } catch {
        // full
      } finally {
        filler.close();
      }
      const before = await containers.startedAt(victim);
      await containers.exec(victim, ["rm", "/tmp/ok"]);
      await waitFor("the restart", async () => (await containers.startedAt(victim)) !== before);

      const healthz = await waitFor("a degraded /healthz", async () => {
        const body = await (await fetch(`${url}/healthz`)).json();
        return body.status === "degraded" ? body : null;
      });
      const kinds = healthz.faults.map((fault: { kind: string }) => fault.kind).sort();
      assert.deepEqual(kinds, ["journal", "state"]);
      assert.match(healthz.faults[0].message, /No space left on device|os error 28/);
      const metrics = await get(url, "/metrics");
      assert.match(metrics, /breakwater_faults_total\{kind="state"\} [1-9]/);
      assert.match(metrics, /breakwater_degraded\{kind="journal"\} 1/);
      assert.match(daemon.output, /cannot write the state .*carrying on from memory/);
      const { entries } = await get(url, "/api/v1/journal");
      const restarts = entries.filter((entry: { container?: { name: string }; result: string }) =>
        entry.container?.name === containers.name("full-disk") && entry.result === "ok"
      );
      assert.equal(restarts.length, 1, "the restart is readable while it waits in memory");
      await waitFor("two more failed state writes", async () => {
        const again = await get(url, "/metrics");
        return Number(/breakwater_faults_total\{kind="state"\} (\d+)/.exec(again)?.[1]) >= 3;
      }, { timeoutMs: 20_000 });
      const leftovers = [...Deno.readDirSync(workspace.stateDir)].filter((entry) =>
        entry.name.endsWith(".tmp")
      );
      assert.deepEqual(leftovers, [], "no temporary file is left behind by a failed write");

      await Deno.remove(join(workspace.stateDir, "filler"));
      await waitFor(
        "/healthz ok again",
        async () => (await (await fetch(`${url}/healthz`)).json()).status === "ok",
        { timeoutMs: 15_000 },
      );
      const written = (await workspace.entries()).filter((entry) =>
        entry.container?.name === containers.name("full-disk") && entry.result === "ok"
      );
      assert.equal(written.length, 1, "written once the disk had room, exactly once");
      const noted = (await workspace.entries()).filter((entry) => entry.action === "fault");
      assert.deepEqual(noted.map((entry) => entry.details.fault), ["state"]);
      const state = await workspace.state() as {
        heal: { containers: Record<string, { backoffRestarts: number }> };
      };
      assert.equal(state.heal.containers[containers.name("full-disk")].backoffRestarts, 1);
      assert.match(daemon.output, /state: working again/);
    } finally {
      await daemon?.stop();
      await containers.removeAll();
      await umount(workspace.stateDir);
      await workspace.remove();
    }
  },
});

Deno.test({
  name: "engine down at start: the daemon waits, says so once and on /healthz, then heals",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(
      stringify({ api: { port: 0 }, gpu: { enabled: false }, probes: [] }),
    );
    const socket = join(workspace.dir, "docker.sock");
    const proxy = new SocketProxy(socket);
    let daemon: Daemon | undefined;
    try {
      const once = await runScript("watch.ts", ["--once", "--config", workspace.configPath], {
        DOCKER_HOST: `unix://${socket}`,
      });
      assert.equal(once.code, 2, once.stderr);
      assert.equal(once.stderr.trim().split("\n").length, 1, once.stderr);

      daemon = await Daemon.start(
        ["--config", workspace.configPath],
        { DOCKER_HOST: `unix://${socket}`, BREAKWATER_TOKEN: TOKEN },
        /control API listening/,
      );
      const url = await daemon.apiUrl();
      const waiting = await (await fetch(`${url}/healthz`)).json();
      assert.equal(waiting.status, "starting");
      assert.equal(waiting.ready, false);
      assert.equal(waiting.engine.reachable, false);
      // Several retries, counted by the daemon itself, before checking it said so only once.
      await waitFor("three failed reaches of the engine", async () => {
        const metrics: string = await get(url, "/metrics");
        const count = metrics.match(/^breakwater_faults_total\{kind="engine"\} (\d+)/m);
        return Number(count?.[1] ?? 0) >= 3;
      }, { timeoutMs: 30_000 });
      assert.equal(daemon.output.match(/waiting for the Docker engine/g)?.length, 1);

      proxy.start();
      await daemon.waitForOutput(/breakwater ready/, 40_000);
      const ready = await (await fetch(`${url}/healthz`)).json();
      assert.deepEqual([ready.status, ready.ready, ready.engine.reachable], ["ok", true, true]);
      const victim = await containers.create("late-engine", { labels: HEAL });
      await waitFor("healthy", async () => (await containers.health(victim)) === "healthy");
      const before = await containers.startedAt(victim);
      await containers.exec(victim, ["rm", "/tmp/ok"]);
      await waitFor("the restart", async () => (await containers.startedAt(victim)) !== before);

      await proxy.stop();
      const lost = await waitFor("/healthz after the engine is lost", async () => {
        const health = await (await fetch(`${url}/healthz`)).json();
        return health.status === "degraded" && health.ready === false ? health : null;
      }, { timeoutMs: 20_000 });
      assert.equal(lost.faults.some((fault: { kind: string }) => fault.kind === "engine"), true);
    } finally {
      await daemon?.stop();
      await proxy.stop();
      await containers.removeAll();
      await workspace.remove();
    }
  },
});

Deno.test({
  name:
    "a hanging engine: /api/v1/status still answers at once, from the last sample, and says how old",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(
      stringify({ api: { port: 0 }, gpu: { enabled: false }, probes: [], metricsInterval: "1s" }),
    );
    const socket = join(workspace.dir, "docker.sock");
    const proxy = new SocketProxy(socket);
    proxy.start();
    let daemon: Daemon | undefined;
    try {
      const known = await containers.create("known", { health: "none" });
      daemon = await Daemon.start(["--config", workspace.configPath], {
        DOCKER_HOST: `unix://${socket}`,
        BREAKWATER_TOKEN: TOKEN,
      });
      const url = await daemon.apiUrl();
      const before = await get(url, "/api/v1/status");
      assert.ok(before.containers.some((c: { id: string }) => c.id === known.id));

      proxy.stall();
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // the sample is stale now
      for (let i = 0; i < 5; i++) {
        // Before the fix this waited on the hung engine until the client gave up.
        const response = await fetch(`${url}/api/v1/status`, {
          headers: { authorization: `Bearer ${TOKEN}` },
          signal: AbortSignal.timeout(5_000),
        });
        const status = await response.json();
        assert.equal(response.status, 200);
        assert.ok(status.containers.some((c: { id: string }) => c.id === known.id));
        assert.ok(
          Date.parse(status.generatedAt) - Date.parse(status.containersReadAt) >= 2_000,
          `${status.containersReadAt} is said to be as old as it is`,
        );
      }
    } finally {
      proxy.stalled = false;
      await daemon?.stop();
      await proxy.stop();
      await containers.removeAll();
      await workspace.remove();
    }
  },
});
