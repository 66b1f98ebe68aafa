import assert from "node:assert/strict";
import { join } from "node:path";
import { DcgmReader } from "../../scripts/lib/gpu/dcgm_reader.ts";
import { MIB } from "../../scripts/lib/gpu/gpu_reading.ts";
import { runScript } from "../support/daemon.ts";
import { withGpuScene } from "../support/gpu_scene.ts";

Deno.test({
  name: "VRAM is attributed to the real container whose process holds it; stop-top-vram stops it",
  async fn() {
    const config =
      'heal:\n  enabled: false\ngpu:\n  cooldown: 0s\n  ladder: [stop-top-vram]\n  owner: ["*-owner"]\n';
    await withGpuScene(config, async ({ containers, workspace, gpu }) => {
      const hog = await containers.create("hog", {
        health: "none",
        labels: { "breakwater.stop-timeout": "0" },
      });
      await containers.create("gpu-owner", { health: "none" });
      await Deno.writeTextFile(join(gpu.dir, "pid"), String((await hog.inspect()).State.Pid));
      await gpu.set("load");

      const table = await runScript("gpu.ts", ["--config", workspace.configPath], gpu.env);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^source: nvidia-smi \(NVML unavailable/);
      assert.match(
        table.stdout,
        /0\s+NVIDIA H200\s+136GiB \/ 140GiB\s+96\.8\s+100\s+60°C\s+691\.9W \/ 700W\s+1/,
      );
      assert.match(table.stdout, new RegExp(`${containers.name("hog")}\\s+136GiB`));
      assert.match(table.stdout, new RegExp(`GPU owner: ${containers.name("gpu-owner")}`));

      const json = await runScript("gpu.ts", ["--json", "--config", workspace.configPath], gpu.env);
      const report = JSON.parse(json.stdout);
      assert.equal(report.source, "nvidia-smi");
      assert.equal(report.gpus[0].memoryUsedBytes, 139_235 * MIB);
      assert.deepEqual(report.attribution, {
        available: true,
        byContainer: { [containers.name("hog")]: 139_226 * MIB },
        unattributedBytes: 0,
      });

      for (let run = 0; run < 3; run++) {
        const result = await runScript("gpu_watchdog.ts", [
          "--once",
          "--config",
          workspace.configPath,
        ], gpu.env);
        assert.equal(result.code, 0, result.stderr);
      }
      assert.equal((await hog.inspect()).State.Status, "exited");
      const stop = (await workspace.entries()).find((entry) => entry.action === "stop");
      assert.equal(stop?.container?.name, containers.name("hog"));
      assert.equal(stop?.details.rung, "stop-top-vram");
      assert.match(
        stop?.reason ?? "",
        /holding the most VRAM \(135\.96 GiB\); pausing would not free it/,
      );
    });
  },
});

Deno.test({
  name: "dcgm-exporter reader scrapes a real HTTP endpoint; errors say which URL",
  async fn() {
    const scrape = 'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-x",modelName="RTX 4060"} 7780\n' +
      'DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-x",modelName="RTX 4060"} 212\n' +
      'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-x",modelName="RTX 4060"} 97\n';
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) =>
        new URL(request.url).pathname === "/metrics"
          ? new Response(scrape)
          : new Response("# nothing\n"),
    );
    try {
      const base = `http://127.0.0.1:${server.addr.port}`;
      const [gpu] = await new DcgmReader(`${base}/metrics`).read();
      assert.equal(gpu.memoryUsedBytes, 7_780 * MIB);
      assert.equal(gpu.utilizationPercent, 97);
      await assert.rejects(
        () => new DcgmReader(`${base}/other`).read(),
        /reported no DCGM_FI_ metrics/,
      );
      await assert.rejects(
        () => new DcgmReader("http://127.0.0.1:9/metrics", 500).read(),
        /dcgm-exporter at http:\/\/127\.0\.0\.1:9\/metrics did not answer/,
      );
    } finally {
      await server.shutdown();
    }
  },
});
