import assert from "node:assert/strict";
import { join } from "node:path";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon, runScript } from "../support/daemon.ts";
import { SocketProxy } from "../support/socket_proxy.ts";
import { delay, waitFor } from "../support/wait.ts";

const HEAL = { "breakwater.heal": "true", "breakwater.stop-timeout": "0" };

Deno.test({
  name: "watch --once run again continues the backoff from the persisted state",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace("heal:\n  backoff: { initial: 3s }\n");
    try {
      const looping = await containers.create("once", { labels: HEAL, health: "failing" });
      const name = containers.name("once");
      const unhealthy = () =>
        waitFor(
          "the container to be unhealthy",
          async () => (await containers.health(looping)) === "unhealthy",
        );
      const once = async () => {
        const result = await runScript("watch.ts", ["--once", "--config", workspace.configPath]);
        assert.equal(result.code, 0, result.stderr);
        return result;
      };
      const mine = async () =>
        (await workspace.entries()).filter((entry) => entry.container?.name === name);

      await unhealthy();
      await once();
      assert.deepEqual((await mine()).map((entry) => [entry.result, entry.details.attempt]), [[
        "ok",
        1,
      ]]);

      await unhealthy();
      await once();
      const skip = (await mine())[1];
      assert.equal(skip.result, "skipped");
      assert.equal(skip.details.skip, "backoff");
      const state = await workspace.state() as {
        heal: { containers: Record<string, { backoffRestarts: number }> };
      };
      assert.equal(state.heal.containers[name].backoffRestarts, 1);

      await delay(Math.max(0, Date.parse(skip.details.retryAt as string) - Date.now()) + 100);
      await unhealthy();
      await once();
      const restarts = (await mine()).filter((entry) => entry.result === "ok");
      assert.deepEqual(restarts.map((entry) => entry.details.attempt), [1, 2]);
      assert.match(restarts[1].reason, /restart 2 since it was last healthy/);
    } finally {
      await containers.removeAll();
      await workspace.remove();
    }
  },
});

Deno.test({
  name: "the daemon lives through the engine going away and heals once it is back",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace("heal:\n  reconcileInterval: 1s\n");
    const socket = join(workspace.dir, "docker.sock");
    const proxy = new SocketProxy(socket);
    proxy.start();
    let daemon: Daemon | undefined;
    try {
      const victim = await containers.create("outage", { labels: HEAL });
      await waitFor(
        "the container to be healthy",
        async () => (await containers.health(victim)) === "healthy",
      );
      daemon = await Daemon.start(["--config", workspace.configPath], {
        DOCKER_HOST: `unix://${socket}`,
      });

      await proxy.stop();
      await daemon.waitForOutput(
        new RegExp(`cannot reach the Docker engine at unix://${socket}.*DOCKER_HOST`),
      );
      await delay(2_000);
      assert.equal(daemon.exited, false, daemon.output);

      proxy.start();
      await daemon.waitForOutput(/engine: working again/, 30_000);
      const before = await containers.startedAt(victim);
      await containers.exec(victim, ["rm", "/tmp/ok"]);
      const restart = await waitFor(
        "the restart after the outage",
        async () =>
          (await workspace.entries()).find((entry) =>
            entry.container?.name === containers.name("outage") && entry.result === "ok"
          ),
        { timeoutMs: 30_000 },
      );
      assert.equal(restart.action, "restart");
      assert.notEqual(await containers.startedAt(victim), before);
      const status = await daemon.stop();
      assert.equal(status.code, 0);
      assert.doesNotMatch(daemon.output, /Uncaught|unhandled/i);
    } finally {
      await daemon?.stop();
      await proxy.stop();
      await containers.removeAll();
      await workspace.remove();
    }
  },
});
