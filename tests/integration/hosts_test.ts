import assert from "node:assert/strict";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon, type Workspace } from "../support/daemon.ts";
import { PrivateEngine } from "../support/private_engine.ts";
import { Prometheus } from "../support/prometheus.ts";
import { waitFor } from "../support/wait.ts";
import { allPanels, fillVariables, type Panel } from "../support/dashboards.ts";

const ROOT = new URL("../../", import.meta.url);
const HOSTS = ["alpha", "beta"] as const;
type Host = typeof HOSTS[number];
type Series = { metric: Record<string, string>; value: [number, string] };

Deno.test("two hosts: one Prometheus scrapes a daemon on each of two engines; a panel with a host set shows that host only", async () => {
  const engines = await Promise.all(HOSTS.map(() => PrivateEngine.start()));
  const containers = engines.map((engine) => new TestContainers(engine.socket));
  const workspaces: Workspace[] = [];
  const daemons: Daemon[] = [];
  let prometheus: Prometheus | undefined;
  try {
    const limits = { Memory: 64 * 1024 ** 2, MemorySwap: 64 * 1024 ** 2, NanoCpus: 500_000_000 };
    // Only alpha has a container breakwater keeps restarting.
    await containers[0].create("flaky", {
      health: "failing",
      labels: { "breakwater.heal": "true", "breakwater.stop-timeout": "0" },
      hostConfig: limits,
    });
    for (const each of containers) await each.create("steady", { hostConfig: limits });

    const config = parse(await Deno.readTextFile(new URL("compose/prometheus.yml", ROOT)));
    const shipped = config.scrape_configs.find((job: { job_name: string }) =>
      job.job_name === "breakwater"
    );
    config.global.scrape_interval = "1s";
    config.scrape_configs = [];
    for (const [index, host] of HOSTS.entries()) {
      const workspace = await createWorkspace(stringify({
        api: { port: 0 },
        metricsInterval: "1s",
        heal: { backoff: { initial: "1s" }, reconcileInterval: "2s" },
        gpu: { enabled: false },
        probes: [],
      }));
      workspaces.push(workspace);
      const token = `token-of-${host}-0123456789`;
      await Deno.writeTextFile(join(workspace.dir, "token"), token);
      const daemon = await Daemon.start(["--config", workspace.configPath], {
        DOCKER_HOST: `unix://${engines[index].socket}`,
        BREAKWATER_TOKEN: token,
      });
      daemons.push(daemon);
      // The shipped job, copied per host as the docs say: its address, token file and host label.
      config.scrape_configs.push({
        ...shipped,
        job_name: index === 0 ? "breakwater" : `breakwater-${host}`,
        authorization: { ...shipped.authorization, credentials_file: join(workspace.dir, "token") },
        static_configs: [{
          targets: [new URL(await daemon.apiUrl()).host],
          labels: { ...shipped.static_configs[0].labels, host },
        }],
      });
    }
    prometheus = await Prometheus.start(config);
    const flaky = containers[0].name("flaky");
    await waitFor("alpha's restart of its flaky container, scraped", async () => {
      const answer = await prometheus!.query(
        `increase(breakwater_container_restarts_total{host="alpha",container="${flaky}"}[5m]) > 0`,
      );
      return answer.data?.result.length === 1;
    }, { timeoutMs: 60_000 });
    await waitFor("both hosts' containers scraped", async () => {
      const answer = await prometheus!.query("count by (host) (breakwater_container_info)");
      return answer.data?.result.length === 2;
    }, { timeoutMs: 30_000 });

    const kpi = JSON.parse(Deno.readTextFileSync(new URL("dashboards/breakwater-kpi.json", ROOT)));
    const queries = allPanels(kpi).flatMap((panel: Panel) =>
      (panel.targets ?? []).map((target) => ({ title: panel.title, expr: target.expr }))
    ).filter(({ expr }) => expr.includes('host=~"$host"'));
    assert.ok(queries.length >= 20, `${queries.length} host-filtered panel queries`);
    for (const [index, host] of HOSTS.entries()) {
      const mine = (name: string) => name.startsWith(`bw-${containers[index].runId}-`);
      let withData = 0;
      for (const { title, expr } of queries) {
        const answer = await prometheus.query(fillVariables(expr, { host }));
        assert.equal(answer.status, "success", `${title}: ${answer.error}`);
        const series = answer.data!.result as Series[];
        if (series.length > 0) withData++;
        for (const { metric } of series) {
          if (metric.host) assert.equal(metric.host, host, `${title} for ${host}`);
          if (metric.container) assert.ok(mine(metric.container), `${title}: ${metric.container}`);
        }
      }
      assert.ok(withData >= 10, `${host}: ${withData} panels with data`);
      const restarts = queries.find(({ title }) => title === "Restarts by breakwater")!;
      const restarted: string[] =
        ((await prometheus.query(fillVariables(restarts.expr, { host }))).data!
          .result as Series[]).filter((series) => Number(series.value[1]) > 0)
          .map((series) => series.metric.container);
      assert.deepEqual(restarted, host === "alpha" ? [flaky] : [], `restarts on ${host}`);
    }
  } finally {
    for (const daemon of daemons) await daemon.stop();
    await prometheus?.stop();
    for (const each of containers) await each.removeAll();
    for (const workspace of workspaces) await workspace.remove();
    for (const engine of engines) await engine.stop();
  }
});
