import assert from "node:assert/strict";
import { stringify } from "yaml";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { waitFor } from "../support/wait.ts";

const TOKEN = "stop-timeout-token-0123456789";

/**
 * The test containers run `sleep` as PID 1, which ignores SIGTERM: every stop lasts exactly the
 * stop timeout the engine was given, so a restart's duration tells which timeout breakwater chose.
 */
Deno.test({
  name: "stop timeouts: a breakwater label, else the container's own, else the config's — for " +
    "restarts asked through the API and for heals",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(stringify({
      api: { port: 0 },
      gpu: { enabled: false },
      probes: [],
      heal: { stopTimeout: "4s" },
    }));
    const daemon = await Daemon.start(["--config", workspace.configPath], {
      BREAKWATER_TOKEN: TOKEN,
    });
    try {
      const url = await daemon.apiUrl();
      await containers.create("own-short", { stopTimeoutSeconds: 1, health: "none" });
      await containers.create("own-long", { stopTimeoutSeconds: 7, health: "none" });
      await containers.create("none", { health: "none" });
      await containers.create("label", {
        stopTimeoutSeconds: 7,
        health: "none",
        labels: { "breakwater.stop-timeout": "0s" },
      });
      const restart = async (suffix: string) => {
        const response = await fetch(
          `${url}/api/v1/containers/${containers.name(suffix)}/restart`,
          { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } },
        );
        assert.equal(response.status, 200, suffix);
        return (await response.json()).entry.durationMs as number;
      };
      const [short, long, none, label] = await Promise.all(
        ["own-short", "own-long", "none", "label"].map(restart),
      );
      assert.ok(short >= 800 && short < 3_000, `own 1 s: restart took ${short} ms`);
      assert.ok(long >= 6_500, `own 7 s, longer than the config's 4 s: restart took ${long} ms`);
      assert.ok(
        none >= 3_500 && none < 6_500,
        `none of its own: the config's 4 s, took ${none} ms`,
      );
      assert.ok(label < 2_000, `the label's 0 s wins over its own 7 s: took ${label} ms`);

      const looping = await containers.create("heal-short", {
        stopTimeoutSeconds: 1,
        labels: { "breakwater.heal": "true" },
      });
      await waitFor("healthy", async () => (await containers.health(looping)) === "healthy");
      await containers.exec(looping, ["rm", "/tmp/ok"]);
      const healed = await waitFor(
        "the heal in the journal",
        async () =>
          (await workspace.entries()).find((entry) =>
            entry.action === "restart" && entry.container?.name === containers.name("heal-short")
          ),
        { timeoutMs: 30_000 },
      );
      assert.equal(healed.result, "ok");
      assert.ok(
        healed.durationMs! >= 800 && healed.durationMs! < 3_000,
        `a heal uses the container's own 1 s: took ${healed.durationMs} ms`,
      );
    } finally {
      await daemon.stop();
      await containers.removeAll();
      await workspace.remove();
    }
  },
});
