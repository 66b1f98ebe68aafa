import assert from "node:assert/strict";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { FakeGpu } from "../support/fake_gpu.ts";
import { Prometheus, startNodeExporter } from "../support/prometheus.ts";
import { delay, waitFor } from "../support/wait.ts";
import { allPanels, fillVariables, type Panel } from "../support/dashboards.ts";

const ROOT = new URL("../../", import.meta.url);
const TOKEN = "prometheus-scrape-token-42";

/** Panels built on breakwater's or node-exporter's metrics must show data; the optional rows need not. */
const mustHaveData = (expr: string) =>
  /breakwater_|node_/.test(expr) &&
  !/DCGM_|container_cpu_usage_seconds_total\{name|container_memory_working_set_bytes\{name/.test(
    expr,
  );

Deno.test({
  name:
    "every dashboard panel query runs in a real Prometheus scraping breakwater and node-exporter",
  async fn() {
    const containers = new TestContainers();
    const gpu = await FakeGpu.create();
    const probeTarget = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) =>
        new URL(request.url).pathname === "/down"
          ? new Response("starting", { status: 503 })
          : new Response("ok"),
    );
    const probeUrl = `http://127.0.0.1:${probeTarget.addr.port}`;
    const workspace = await createWorkspace(stringify({
      api: { port: 0 },
      metricsInterval: "1s",
      probeInterval: "500ms",
      probes: [{ name: "ollama", url: `${probeUrl}/api/version` }, {
        // A gateway that answers fast but is down: it must not look fast and green.
        name: "openclaw",
        url: `${probeUrl}/down`,
      }],
      heal: { backoff: { initial: "1s" }, reconcileInterval: "2s" },
      gpu: { source: "nvidia-smi", pollInterval: "500ms", cooldown: "0s" },
    }));
    const tokenFile = join(workspace.dir, "breakwater-token");
    await Deno.writeTextFile(tokenFile, TOKEN);
    let daemon: Daemon | undefined;
    let prometheus: Prometheus | undefined;
    const nodeExporter = await startNodeExporter();
    try {
      const limits = { NanoCpus: 500_000_000, Memory: 64 * 1024 ** 2, MemorySwap: 64 * 1024 ** 2 };
      // The model server: it holds the VRAM, and as the GPU owner the ladder never stops it.
      const hog = await containers.create("hog", {
        health: "none",
        labels: { "breakwater.gpu-owner": "true" },
        hostConfig: limits,
      });
      await containers.create("flaky", {
        health: "failing",
        labels: { "breakwater.heal": "true", "breakwater.stop-timeout": "0" },
        hostConfig: limits,
      });
      await containers.create("noisy", {
        health: "none",
        labels: { "breakwater.gpu-noisy": "true" },
        hostConfig: limits,
      });
      await Deno.writeTextFile(join(gpu.dir, "pid"), String((await hog.inspect()).State.Pid));
      await gpu.set("load");
      daemon = await Daemon.start(["--config", workspace.configPath], {
        ...gpu.env,
        BREAKWATER_TOKEN: TOKEN,
      });
      const api = new URL(await daemon.apiUrl());

      const config = parse(await Deno.readTextFile(new URL("compose/prometheus.yml", ROOT)));
      config.global.scrape_interval = "1s";
      config.global.evaluation_interval = "1s";
      for (const job of config.scrape_configs) {
        if (job.job_name === "breakwater") {
          job.static_configs = [{ targets: [api.host] }];
          job.authorization.credentials_file = tokenFile;
        }
        if (job.job_name === "node-exporter") {
          job.static_configs = [{ targets: [nodeExporter.address] }];
        }
      }
      prometheus = await Prometheus.start(config, { alerts: new URL("compose/alerts/", ROOT) });
      await waitFor("breakwater and node-exporter scraped", async () => {
        const targets = await prometheus!.targets();
        const health = (job: string) => targets.find((target) => target.job === job)?.health;
        return health("breakwater") === "up" && health("node-exporter") === "up";
      }, { timeoutMs: 30_000 });

      await delay(3_000);
      const before = await gpu.readings();
      await gpu.set("fail");
      await waitFor("failing GPU readings", async () => (await gpu.readings()) >= before + 3);
      await gpu.set("load");

      const hogName = containers.name("hog");
      const queries = ["breakwater-kpi.json", "breakwater-container.json"].flatMap((file) => {
        const dashboard = JSON.parse(Deno.readTextFileSync(new URL(`dashboards/${file}`, ROOT)));
        return allPanels(dashboard).flatMap((panel: Panel) =>
          (panel.targets ?? []).map((target) => ({
            where: `${file} › ${panel.title}`,
            expr: fillVariables(target.expr, { container: hogName }),
          }))
        );
      });
      assert.ok(queries.length >= 30, `${queries.length} panel targets`);

      const empty = await waitFor(
        "every breakwater and node-exporter panel to have data",
        async () => {
          const missing: string[] = [];
          for (const { where, expr } of queries) {
            const answer = await prometheus!.query(expr);
            assert.equal(answer.status, "success", `${where}: ${expr} → ${answer.error}`);
            if (mustHaveData(expr) && answer.data!.result.length === 0) {
              missing.push(`${where}: ${expr}`);
            }
          }
          return missing.length === 0 ? "none" : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 2_000 },
      ).catch(async (error) => {
        const missing: string[] = [];
        for (const { where, expr } of queries) {
          const answer = await prometheus!.query(expr);
          if (mustHaveData(expr) && answer.data?.result.length === 0) {
            missing.push(`${where}: ${expr}`);
          }
        }
        throw new Error(`${(error as Error).message}; still empty:\n${missing.join("\n")}`);
      });
      assert.equal(empty, "none");
      const p95 = queries.find(({ where }) =>
        where.endsWith("Probe latency p95 (answered probes)")
      )!;
      const latencies = (await prometheus.query(p95.expr)).data!.result as {
        metric: Record<string, string>;
      }[];
      assert.deepEqual(latencies.map((series) => series.metric.probe), ["ollama"]);
      const openclawUp = await prometheus.query('breakwater_probe_up{probe="openclaw"}');
      assert.equal((openclawUp.data!.result[0] as { value: [number, string] }).value[1], "0");
      const vram = await prometheus.query(
        `breakwater_container_gpu_memory_bytes{container="${hogName}"}`,
      );
      assert.equal(
        Number((vram.data!.result[0] as { value: [number, string] }).value[1]),
        139_226 * 1024 * 1024,
      );

      // Every action is drawn on the graphs: the annotation query returns flaky's restart as
      // journaled, the time (in ms, as Grafana's "series value as timestamp" reads it), reason
      // and actor included.
      const flakyName = containers.name("flaky");
      const kpi = JSON.parse(
        Deno.readTextFileSync(new URL("dashboards/breakwater-kpi.json", ROOT)),
      );
      assert.equal(kpi.annotations.list.length, 1);
      const annotation = kpi.annotations.list[0];
      assert.equal(annotation.useValueForTime, true);
      type Series = { metric: Record<string, string>; value: [number, string] };
      const mark = await waitFor("flaky's restart as an annotation", async () => {
        const answer = await prometheus!.query(
          fillVariables(annotation.expr, { container: hogName }),
        );
        assert.equal(answer.status, "success", answer.error);
        const restart = (answer.data!.result as Series[]).find((series) =>
          series.metric.action === "restart" && series.metric.container === flakyName
        );
        const journal = await workspace.entries();
        return restart &&
            journal.some((entry) =>
              entry.action === "restart" && entry.container?.name === flakyName &&
              Date.parse(entry.time) === Number(restart.value[1]) &&
              entry.reason === restart.metric.reason && entry.actor === restart.metric.actor
            )
          ? restart
          : undefined;
      }, { timeoutMs: 30_000 });
      assert.equal(mark.metric.result, "ok");
      assert.match(annotation.textFormat, /\{\{reason\}\}.*\{\{actor\}\}/);

      // The alert state panel shows the restart alert firing (2) for flaky.
      const alertState = queries.find(({ where }) => where.endsWith("Alert state"))!;
      await waitFor(
        "the restart alert on the alert state panel",
        async () =>
          ((await prometheus!.query(alertState.expr)).data!.result as Series[]).some((series) =>
            series.metric.alertname === "BreakwaterContainerRestarted" &&
            series.metric.container === flakyName && series.value[1] === "2"
          ),
        { timeoutMs: 30_000 },
      );
    } finally {
      await daemon?.stop();
      await prometheus?.stop();
      await nodeExporter.stop();
      await probeTarget.shutdown();
      await containers.removeAll();
      await workspace.remove();
      await gpu.remove();
    }
  },
});
