import assert from "node:assert/strict";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import {
  buildBreakwaterImage,
  ensureDenoBaseImage,
  pinnedDenoVersion,
} from "../support/breakwater_image.ts";
import { TestContainers } from "../support/containers.ts";
import { Journal } from "../../scripts/lib/journal/journal.ts";
import { startEngineProxy } from "../support/engine_proxy.ts";
import { freePort } from "../support/loopback_server.ts";
import { waitFor } from "../support/wait.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TOKEN = "container-profile-test-token";

Deno.test("one Deno release: the image's pin is the Deno these tests run on and the README's", () => {
  assert.equal(pinnedDenoVersion(), Deno.version.deno);
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  assert.deepEqual([...new Set(readme.match(/deno@[\d.]+/g))], [`deno@${pinnedDenoVersion()}`]);
});

Deno.test({
  name:
    "container profile: the project's image runs read-only behind the shipped engine proxy, serves its API and heals",
  async fn() {
    const containers = new TestContainers();
    const docker = containers.docker;
    const dir = await Deno.makeTempDir({ prefix: "breakwater-profile-" });
    const apiPort = freePort();
    const proxy = await startEngineProxy();
    const proxyPort = proxy.port;
    try {
      const image = await buildBreakwaterImage(docker, await ensureDenoBaseImage(docker));

      // The shipped config, on a free port; its cache starts from this machine's npm cache so the
      // test needs no registry (in the stack it fills from the registry on first start).
      const config = parse(
        await Deno.readTextFile(join(ROOT, "compose/breakwater.container.yaml")),
      );
      config.api.port = apiPort;
      config.heal = { reconcileInterval: "1s" };
      await Deno.writeTextFile(join(dir, "breakwater.yaml"), stringify(config));
      await Deno.mkdir(join(dir, "state"));
      await Deno.mkdir(join(dir, "cache", "deno"), { recursive: true });
      const npmCache = join(
        Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME")!, ".cache/deno"),
        "npm",
      );
      await new Deno.Command("cp", { args: ["-r", npmCache, join(dir, "cache", "deno")] }).output();

      const failing = await containers.create("failing", {
        labels: { "breakwater.heal": "true", "breakwater.stop-timeout": "0" },
      });
      const daemon = await docker.createContainer({
        name: containers.name("breakwater"),
        Image: image,
        Labels: { "breakwater.test": containers.runId },
        Env: [`DOCKER_HOST=tcp://127.0.0.1:${proxyPort}`, `BREAKWATER_TOKEN=${TOKEN}`],
        HostConfig: {
          NetworkMode: "host",
          ReadonlyRootfs: true,
          Binds: [
            `${join(dir, "breakwater.yaml")}:/app/compose/breakwater.container.yaml:ro`,
            `${join(dir, "state")}:/state`,
            `${join(dir, "cache")}:/cache`,
          ],
        },
      });
      await daemon.start();
      const api = `http://127.0.0.1:${apiPort}`;
      const health = await waitFor("the containerized daemon ready", async () => {
        const answer = await fetch(`${api}/healthz`).catch(() => null);
        const body = await answer?.json().catch(() => null);
        return body?.ready ? body : undefined;
      }, { timeoutMs: 120_000, intervalMs: 500 }).catch(async (error) => {
        const logs = await daemon.logs({ stdout: true, stderr: true, tail: 40 });
        throw new Error(`${(error as Error).message}\n${logs}`);
      });
      assert.deepEqual(health.engine, { address: `tcp://127.0.0.1:${proxyPort}`, reachable: true });

      const status = await (await fetch(`${api}/api/v1/status`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })).json();
      assert.ok(
        status.containers.some((c: { name: string }) => c.name === containers.name("failing")),
      );
      const metrics = await fetch(`${api}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}`, host: "host.docker.internal" },
      });
      assert.equal(metrics.status, 200, "Prometheus's Host (host.docker.internal) is allowed");

      await containers.exec(failing, ["rm", "/tmp/ok"]);
      const journal = new Journal(join(dir, "state", "journal.jsonl"));
      const restart = await waitFor(
        "the restart journaled in the state volume",
        async () =>
          (await journal.read()).find((entry) =>
            entry.action === "restart" && entry.container?.id === failing.id
          ),
        { timeoutMs: 30_000 },
      );
      assert.equal(restart.result, "ok");
      const inspect = await daemon.inspect();
      assert.equal(inspect.State.Running, true);
      assert.equal(inspect.HostConfig.ReadonlyRootfs, true);
    } finally {
      await proxy.stop();
      await containers.removeAll();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
