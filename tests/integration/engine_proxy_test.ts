import assert from "node:assert/strict";
import Docker from "dockerode";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { startEngineProxy } from "../support/engine_proxy.ts";
import { waitFor } from "../support/wait.ts";

/** Sends one request exactly as written (fetch would clean `..` out of the path). */
async function rawStatus(port: number, method: string, path: string): Promise<number> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  await connection.write(
    new TextEncoder().encode(
      `${method} ${path} HTTP/1.1\r\nHost: engine\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    ),
  );
  const buffer = new Uint8Array(512);
  const read = await connection.read(buffer);
  connection.close();
  return Number(
    /^HTTP\/1\.[01] (\d{3})/.exec(new TextDecoder().decode(buffer.subarray(0, read!)))?.[1],
  );
}

Deno.test({
  name:
    "engine proxy (haproxy, shipped config): breakwater's calls pass, everything else is refused",
  async fn() {
    const containers = new TestContainers();
    const proxy = await startEngineProxy();
    const through = new Docker({ host: "127.0.0.1", port: proxy.port, protocol: "http" });
    try {
      const target = await containers.create("target", { health: "none" });
      const container = through.getContainer(target.id);

      // What breakwater calls: reads, events, and the six container actions.
      assert.equal(String(await through.ping()), "OK");
      assert.ok((await through.version()).ApiVersion);
      assert.ok((await through.info()).ID !== undefined);
      assert.ok((await through.listContainers({ all: true })).some((c) => c.Id === target.id));
      assert.equal((await container.inspect()).Id, target.id);
      assert.ok((await container.stats({ stream: false })).memory_stats);
      const now = Math.floor(Date.now() / 1000);
      const events = await through.getEvents({ since: now - 60, until: now });
      events.resume();
      for (const act of ["pause", "unpause", "restart", "stop", "start", "kill"] as const) {
        await (container[act] as (options?: object) => Promise<unknown>).call(container, { t: 0 });
      }
      await container.start();

      // What it must never let through: each is 403, and the engine shows it did not happen.
      const before = (await containers.docker.listContainers({ all: true })).length;
      const refused = async (what: string, call: () => Promise<unknown>) => {
        const error = await call().then(() => null, (e) => e as { statusCode?: number });
        assert.equal(error?.statusCode, 403, `${what} was not refused`);
      };
      await refused("create", () => through.createContainer({ Image: "breakwater-test-busybox" }));
      await refused("delete", () => container.remove({ force: true }));
      await refused("update", () => container.update({ Memory: 8 * 1024 ** 2 }));
      await refused("exec", () => container.exec({ Cmd: ["true"] }));
      await refused("rename", () => container.rename({ name: "renamed" }));
      await refused("images", () => through.listImages());
      await refused("volumes", () => through.listVolumes());
      await refused("networks", () => through.listNetworks());
      await refused("prune", () => through.pruneContainers());
      await refused("archive", () => container.getArchive({ path: "/etc" }));
      for (
        const [method, path] of [
          ["POST", "/v1.41/containers/create"],
          ["DELETE", `/v1.41/containers/${target.id}`],
          ["POST", "/build"],
          ["GET", "/containers/../images/json"],
          ["GET", `/containers/${target.id}/../../images/json`],
          ["POST", `/containers/${target.id}%2F..%2F..%2Fcontainers%2Fcreate/start`],
          ["POST", `/containers/${target.id}/attach`],
          ["GET", `/containers/${target.id}/logs`],
          ["POST", `/containers/${target.id}/restart/../exec`],
        ]
      ) {
        assert.equal(await rawStatus(proxy.port, method, path), 403, `${method} ${path}`);
      }
      assert.equal((await containers.docker.listContainers({ all: true })).length, before);
      const after = await target.inspect();
      assert.equal(after.Name, `/${containers.name("target")}`);
      assert.equal(after.HostConfig.Memory, 0);
    } finally {
      await proxy.stop();
      await containers.removeAll();
    }
  },
});

Deno.test({
  name: "engine proxy: the real daemon heals through it (list, inspect, events, restart)",
  async fn() {
    const containers = new TestContainers();
    const proxy = await startEngineProxy();
    const workspace = await createWorkspace("heal:\n  reconcileInterval: 500ms\n");
    let daemon: Daemon | undefined;
    try {
      const failing = await containers.create("failing", {
        labels: { "breakwater.heal": "true", "breakwater.stop-timeout": "0" },
      });
      daemon = await Daemon.start(["--config", workspace.configPath], {
        DOCKER_HOST: `tcp://127.0.0.1:${proxy.port}`,
      });
      await containers.exec(failing, ["rm", "/tmp/ok"]);
      const restart = await waitFor(
        "the restart through the proxy, journaled",
        async () =>
          (await workspace.entries()).find((entry) =>
            entry.action === "restart" && entry.container?.id === failing.id
          ),
        { timeoutMs: 30_000 },
      );
      assert.equal(restart.result, "ok");
    } finally {
      await daemon?.stop();
      await proxy.stop();
      await workspace.remove();
      await containers.removeAll();
    }
  },
});
