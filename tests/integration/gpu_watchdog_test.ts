import assert from "node:assert/strict";
import type Docker from "dockerode";
import type { TestContainers } from "../support/containers.ts";
import { type Daemon, runScript, type Workspace } from "../support/daemon.ts";
import { withGpuScene } from "../support/gpu_scene.ts";
import { waitFor } from "../support/wait.ts";

const NOISY = { "breakwater.gpu-noisy": "true" };
/** Nothing listens on the discard port: the Ollama rung finds no models. */
const GPU_CONFIG = `heal:
  enabled: false
gpu:
  pollInterval: 250ms
  cooldown: 0s
  ollama:
    url: http://127.0.0.1:9
`;

const stateOf = async (container: Docker.Container) => (await container.inspect()).State.Status;
const gpuEntries = async (workspace: Workspace, names: string[]) =>
  (await workspace.entries()).filter((entry) =>
    entry.action.startsWith("gpu-") || names.includes(entry.container?.name ?? "")
  );

/** The containers every scenario starts with. */
async function stack(containers: TestContainers) {
  const noisy = await containers.create("noisy", { labels: NOISY, health: "none" });
  const owner = await containers.create("owner", {
    labels: { ...NOISY, "breakwater.gpu-owner": "true" },
    health: "none",
  });
  const byHand = await containers.create("by-hand", { labels: NOISY, health: "none" });
  const bystander = await containers.create("bystander", { health: "none" });
  await byHand.pause();
  return { noisy, owner, byHand, bystander };
}

Deno.test({
  name:
    "watch: noisy containers are paused after the streak and resumed after recovery; nothing else",
  async fn() {
    await withGpuScene(GPU_CONFIG, async ({ containers, workspace, gpu, startDaemon }) => {
      const { noisy, owner, byHand, bystander } = await stack(containers);
      const daemon = await startDaemon();
      assert.match(
        daemon.output,
        /GPU watchdog reading from nvidia-smi \(NVML unavailable: NVML not found/,
      );
      const idleReadings = await gpu.readings();
      await waitFor("a few idle readings", async () => (await gpu.readings()) >= idleReadings + 4);
      assert.deepEqual(await gpuEntries(workspace, [containers.name("noisy")]), []);

      await gpu.set("load");
      await waitFor("the noisy container paused", async () => (await stateOf(noisy)) === "paused");
      const pausedAt = await waitFor("the pause in the journal", async () => {
        const entries = await gpuEntries(workspace, [containers.name("noisy")]);
        return entries.some((entry) => entry.action === "pause") && entries;
      });
      assert.deepEqual(pausedAt.slice(0, 2).map((entry) => [entry.action, entry.result]), [
        ["gpu-trip", "noted"],
        ["pause", "ok"],
      ]);
      const pause = pausedAt[1];
      assert.equal(pause.details.rung, "pause-noisy");
      assert.deepEqual(pause.details.pressure, ["vram", "utilization"]);
      const readings = pause.details.readings as {
        vramPercent: number;
        utilizationPercent: number;
      };
      assert.equal(readings.vramPercent.toFixed(2), ((139_235 / 143_771) * 100).toFixed(2));
      assert.equal(readings.utilizationPercent, 100);
      assert.ok((pause.details.highStreak as number) >= 3);

      await gpu.set("idle");
      await waitFor(
        "the noisy container resumed",
        async () => (await stateOf(noisy)) === "running",
      );
      const all = await waitFor("the unpause in the journal", async () => {
        const entries = await gpuEntries(workspace, [containers.name("noisy")]);
        return entries.some((entry) => entry.action === "unpause") && entries;
      });
      assert.deepEqual(
        all.map((entry) => entry.action).filter((action) => action !== "gpu-ladder-exhausted"),
        [
          "gpu-trip",
          "pause",
          "gpu-clear",
          "unpause",
        ],
      );
      assert.equal(await stateOf(owner), "running", "the GPU owner is never touched");
      assert.equal(await stateOf(bystander), "running");
      assert.equal(await stateOf(byHand), "paused", "a container paused by hand stays paused");
      const touched = (await workspace.entries()).map((entry) => entry.container?.name);
      for (const name of ["owner", "by-hand", "bystander"]) {
        assert.ok(!touched.includes(containers.name(name)), `${name} appears in the journal`);
      }
      assert.equal((await daemon.stop()).code, 0);
    });
  },
});

Deno.test({
  name: "a daemon killed mid-pressure resumes what it paused once readings recover",
  async fn() {
    await withGpuScene(GPU_CONFIG, async ({ containers, workspace, gpu, startDaemon }) => {
      let daemon: Daemon;
      const { noisy, byHand } = await stack(containers);
      await gpu.set("load");
      daemon = await startDaemon();
      await waitFor("the noisy container paused", async () => (await stateOf(noisy)) === "paused");
      // Killed once the pause is recorded as done: a pause still pending when breakwater dies is
      // claimed by nobody and left alone (gpu_watchdog_test.ts in scripts/lib/gpu covers that).
      await waitFor("the pause recorded as done", async () => {
        const { gpu } = await workspace.state() as { gpu: { paused: { pending?: true }[] } };
        return gpu.paused.length === 1 && !gpu.paused[0].pending;
      });
      await daemon.kill();
      const state = await workspace.state() as {
        gpu: { paused: { name: string }[]; tripped: boolean };
      };
      assert.deepEqual(state.gpu.paused.map((held) => held.name), [containers.name("noisy")]);
      assert.equal(state.gpu.tripped, true);

      await gpu.set("idle");
      daemon = await startDaemon();
      await waitFor(
        "the noisy container resumed",
        async () => (await stateOf(noisy)) === "running",
      );
      assert.equal(await stateOf(byHand), "paused");
      await waitFor(
        "the state to forget it",
        async () =>
          ((await workspace.state()) as { gpu: { paused: unknown[] } }).gpu.paused.length === 0,
      );
    });
  },
});

Deno.test({
  name:
    "a GPU reader failing mid-run causes no action, is journaled once, and pressure is seen after",
  async fn() {
    await withGpuScene(GPU_CONFIG, async ({ containers, workspace, gpu, startDaemon }) => {
      const { noisy } = await stack(containers);
      await startDaemon();
      const started = await gpu.readings();
      await gpu.set("load");
      await waitFor("a reading under load", async () => (await gpu.readings()) > started);
      await gpu.set("fail");
      const before = await gpu.readings();
      await waitFor("several failed readings", async () => (await gpu.readings()) >= before + 6);
      assert.equal(await stateOf(noisy), "running");
      const unknown = (await workspace.entries()).filter((entry) =>
        entry.action === "gpu-unknown-reading"
      );
      assert.equal(unknown.length, 1);
      assert.match(
        unknown[0].reason,
        /nvidia-smi exited with 15: Unable to determine the device handle/,
      );

      await gpu.set("load");
      await waitFor("the noisy container paused", async () => (await stateOf(noisy)) === "paused");
      const state = await workspace.state() as { gpu: { unknownReadings: number } };
      assert.ok(state.gpu.unknownReadings >= 6);
    });
  },
});

Deno.test({
  name:
    "gpu-watchdog --once: the streak carries over runs; the Ollama rung unloads the right models only",
  async fn() {
    const requests: { method: string; path: string; body: unknown }[] = [];
    const ollama = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        const path = new URL(request.url).pathname;
        const body = request.method === "POST" ? await request.json() : null;
        requests.push({ method: request.method, path, body });
        if (path === "/api/ps") {
          return Response.json({
            models: [
              {
                name: "llama3.1:8b",
                model: "llama3.1:8b",
                size: 6.2e9,
                size_vram: 6.2e9,
                expires_at: "2026-11-27T04:00:00Z",
              },
              {
                name: "nomic-embed-text",
                model: "nomic-embed-text",
                size: 3e8,
                size_vram: 3e8,
                expires_at: "2026-11-27T04:00:00Z",
              },
              {
                name: "qwen2.5:0.5b-cpu",
                model: "qwen2.5:0.5b-cpu",
                size: 4e8,
                size_vram: 0,
                expires_at: "2026-11-27T04:00:00Z",
              },
            ],
          });
        }
        if (path === "/api/generate") {
          return Response.json({ model: (body as { model: string }).model, done: true });
        }
        return new Response("not found", { status: 404 });
      },
    );
    const config = `gpu:
  ollama:
    url: http://127.0.0.1:${ollama.addr.port}
    keepModels: [nomic-embed-text]
`;
    try {
      await withGpuScene(config, async ({ containers, workspace, gpu }) => {
        const { noisy } = await stack(containers);
        await gpu.set("load");
        for (let run = 1; run <= 3; run++) {
          const result = await runScript("gpu_watchdog.ts", [
            "--once",
            "--config",
            workspace.configPath,
          ], gpu.env);
          assert.equal(result.code, 0, result.stderr);
          assert.match(result.stderr, new RegExp(`streak ${run}/3`));
        }
        const unloads = requests.filter((request) => request.method === "POST");
        assert.deepEqual(unloads, [
          { method: "POST", path: "/api/generate", body: { model: "llama3.1:8b", keep_alive: 0 } },
        ]);
        const entries = await workspace.entries();
        const unload = entries.find((entry) => entry.action === "unload-model");
        assert.equal(unload?.result, "ok");
        assert.equal(unload?.details.model, "llama3.1:8b");
        assert.equal(unload?.details.rung, "unload-ollama-models");
        assert.equal(await stateOf(noisy), "running", "one rung per trip");

        const count = (await workspace.entries()).length;
        await runScript("gpu_watchdog.ts", ["--once", "--config", workspace.configPath], gpu.env);
        assert.equal(
          (await workspace.entries()).length,
          count,
          "within the cool-down no rung is climbed",
        );

        const noCooldown = `${workspace.configPath}.no-cooldown.yaml`;
        const text = await Deno.readTextFile(workspace.configPath);
        await Deno.writeTextFile(noCooldown, text.replace("gpu:\n", "gpu:\n  cooldown: 0s\n"));
        const dry = await runScript("gpu_watchdog.ts", [
          "--once",
          "--dry-run",
          "--config",
          noCooldown,
        ], gpu.env);
        assert.equal(dry.code, 0, dry.stderr);
        const dryRun = (await workspace.entries()).find((entry) => entry.action === "pause");
        assert.equal(dryRun?.container?.name, containers.name("noisy"));
        assert.equal(dryRun?.result, "dry-run");
        assert.equal(await stateOf(noisy), "running");
      });
    } finally {
      await ollama.shutdown();
    }
  },
});

Deno.test({
  name: "watch: a person unpauses and at once re-pauses what breakwater paused — the pause is " +
    "theirs, and stays after pressure clears",
  async fn() {
    await withGpuScene(GPU_CONFIG, async ({ containers, workspace, gpu, startDaemon }) => {
      const noisy = await containers.create("noisy", { labels: NOISY, health: "none" });
      const daemon = await startDaemon();
      await gpu.set("load");
      await waitFor("the noisy container paused", async () => (await stateOf(noisy)) === "paused");
      await waitFor("the pause held in the state", async () => {
        const state = await workspace.state() as { gpu: { paused: { pending?: true }[] } };
        return state.gpu.paused.length === 1 && !state.gpu.paused[0].pending;
      });
      // Quicker than a reading: only the engine's unpause event tells breakwater.
      await noisy.unpause();
      await noisy.pause();
      await waitFor(
        "the hold let go",
        async () =>
          (await workspace.entries()).some((entry) =>
            entry.action === "release" && entry.container?.name === containers.name("noisy")
          ),
      );
      await gpu.set("idle");
      await waitFor(
        "the clear",
        async () => (await workspace.entries()).some((entry) => entry.action === "gpu-clear"),
      );
      const readings = await gpu.readings();
      await waitFor("a few more readings", async () => (await gpu.readings()) >= readings + 4);
      assert.equal(await stateOf(noisy), "paused", "the person's pause is never undone");
      const unpauses = (await workspace.entries()).filter((entry) => entry.action === "unpause");
      assert.deepEqual(unpauses, []);
      assert.equal((await daemon.stop()).code, 0);
    });
  },
});
