import assert from "node:assert/strict";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { Alertmanager, type ManagedAlert } from "../support/alertmanager.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { Prometheus } from "../support/prometheus.ts";
import { TelegramBotApi } from "../support/telegram_bot_api.ts";
import { waitFor } from "../support/wait.ts";

const ROOT = new URL("../../", import.meta.url);
const TOKEN = "prometheus-scrape-token-alerts";
const KPI_DASHBOARD = "http://localhost:3000/d/breakwater-kpi/breakwater-kpi";

/** An alert as Prometheus lists it (`GET /api/v1/alerts`). */
interface RuleAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing";
}

/** One POST of Alertmanager's webhook (version 4 payload). */
interface WebhookMessage {
  status: string;
  receiver: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

async function ruleAlerts(prometheus: Prometheus): Promise<RuleAlert[]> {
  return (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()).data.alerts;
}

const named = (name: string, container: string) => (alert: { labels: Record<string, string> }) =>
  alert.labels.alertname === name && alert.labels.container === container;

Deno.test({
  name:
    "alerts: the shipped rules fire in a real Prometheus scraping breakwater, and the shipped Alertmanager routes them",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(stringify({
      api: { port: 0 },
      metricsInterval: "1s",
      heal: { backoff: { initial: "1s" }, reconcileInterval: "2s" },
      gpu: { enabled: false },
    }));
    const tokenFile = join(workspace.dir, "breakwater-token");
    await Deno.writeTextFile(tokenFile, TOKEN);
    const webhook: WebhookMessage[] = [];
    const receiver = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      webhook.push(await req.json());
      return new Response("ok");
    });
    const example = parse(
      await Deno.readTextFile(new URL("compose/alertmanager/alertmanager.example.yml", ROOT)),
    );
    const owner = example.receivers.find((r: { name: string }) => r.name === "owner");
    const telegram = TelegramBotApi.start(owner.telegram_configs[0].bot_token, [
      owner.telegram_configs[0].chat_id,
    ]);
    let daemon: Daemon | undefined;
    let prometheus: Prometheus | undefined;
    let alertmanager: Alertmanager | undefined;
    try {
      // The example as a user fills it in: only where the two receivers are.
      owner.webhook_configs[0].url = `http://127.0.0.1:${receiver.addr.port}/alerts`;
      owner.telegram_configs[0].api_url = telegram.url;
      alertmanager = await Alertmanager.start(example);

      const limit = 64 * 1024 ** 2;
      const bloat = await containers.create("bloat", {
        labels: { "breakwater.heal": "true", "breakwater.stop-timeout": "0" },
        hostConfig: { Memory: limit, MemorySwap: limit },
      });
      // Restarted by the engine's restart policy, not by breakwater.
      await containers.create("crasher", {
        health: "none",
        cmd: ["sh", "-c", "sleep 2; exit 1"],
        hostConfig: { RestartPolicy: { Name: "on-failure" } },
      });
      daemon = await Daemon.start(["--config", workspace.configPath], { BREAKWATER_TOKEN: TOKEN });
      const api = new URL(await daemon.apiUrl());

      const config = parse(await Deno.readTextFile(new URL("compose/prometheus.yml", ROOT)));
      config.global.scrape_interval = "1s";
      config.global.evaluation_interval = "1s";
      config.alerting.alertmanagers[0].static_configs[0].targets = [
        new URL(alertmanager.url).host,
      ];
      config.scrape_configs = config.scrape_configs.filter((job: { job_name: string }) =>
        job.job_name === "breakwater"
      );
      config.scrape_configs[0].static_configs = [{ targets: [api.host] }];
      config.scrape_configs[0].authorization.credentials_file = tokenFile;
      prometheus = await Prometheus.start(config, { alerts: new URL("compose/alerts/", ROOT) });
      const bloatName = containers.name("bloat");
      const crasherName = containers.name("crasher");
      await waitFor("bloat's restart counter at 0 in Prometheus", async () => {
        const answer = await prometheus!.query(
          `breakwater_container_restarts_total{container="${bloatName}"}`,
        );
        return answer.data?.result.length === 1;
      }, { timeoutMs: 30_000 });

      // Over 90 % of its limit: 58 MiB written into its own /dev/shm (charged to its cgroup).
      await containers.exec(bloat, [
        "dd",
        "if=/dev/zero",
        "of=/dev/shm/fill",
        "bs=1048576",
        "count=58",
      ]);
      const nearLimit = await waitFor(
        "the memory alert in Prometheus",
        async () =>
          (await ruleAlerts(prometheus!)).find(
            named("BreakwaterContainerNearMemoryLimit", bloatName),
          ),
        { timeoutMs: 30_000 },
      );
      // Its `for` is 2 minutes: it is pending, and shows what it is about.
      assert.equal(nearLimit.state, "pending");
      assert.equal(nearLimit.labels.severity, "warning");
      assert.match(
        nearLimit.annotations.description,
        new RegExp(
          `^Container ${bloatName} on ${api.host} uses 9\\d(\\.\\d+)?% of its memory limit`,
        ),
      );
      assert.equal(nearLimit.annotations.dashboard, KPI_DASHBOARD);

      // Unhealthy: breakwater restarts it on the real engine.
      await containers.exec(bloat, ["rm", "/tmp/ok"]);
      const restarted = await waitFor(
        "the restart alert in Prometheus",
        async () =>
          (await ruleAlerts(prometheus!)).find(named("BreakwaterContainerRestarted", bloatName)),
        {
          timeoutMs: 60_000,
        },
      );
      assert.equal(restarted.state, "firing");
      assert.deepEqual(
        [restarted.labels.by, restarted.labels.notified_by],
        ["breakwater", "breakwater"],
      );
      const journaled = (await workspace.entries()).filter((entry) =>
        entry.action === "restart" && entry.container?.name === bloatName
      );
      assert.equal(journaled.length >= 1, true, "the restart is breakwater's, journaled");

      // The engine's crash loop reaches the owner through Alertmanager: webhook and Telegram.
      const delivered = await waitFor(
        "the crash loop delivered by Alertmanager",
        () =>
          webhook.flatMap((message) => message.alerts).find(
            named("BreakwaterCrashLoop", crasherName),
          ),
        {
          timeoutMs: 90_000,
          intervalMs: 500,
        },
      );
      assert.equal(delivered.status, "firing");
      assert.deepEqual(
        [delivered.labels.severity, delivered.labels.by, delivered.labels.notified_by],
        ["critical", "engine", "alertmanager"],
      );
      assert.equal(delivered.annotations.dashboard, KPI_DASHBOARD);
      await waitFor(
        "the crash loop on Telegram",
        () => telegram.messages.find((message) => message.text.includes(crasherName)),
        { timeoutMs: 30_000 },
      );
      assert.equal(telegram.messages[0].chatId, String(owner.telegram_configs[0].chat_id));

      const managed: ManagedAlert[] = await alertmanager.alerts();
      const routed = (alert: ManagedAlert | undefined) => alert?.receivers.map((r) => r.name);
      // breakwater already told the owner about its own restart: shown, not sent again.
      assert.deepEqual(
        routed(managed.find(named("BreakwaterContainerRestarted", bloatName))),
        ["shown-only"],
      );
      assert.deepEqual(routed(managed.find(named("BreakwaterCrashLoop", crasherName))), ["owner"]);
      // The crash loop says it all: its "restarted" warning is inhibited.
      const warning = managed.find(named("BreakwaterContainerRestarted", crasherName));
      assert.equal(warning?.status.state, "suppressed");
      assert.equal(warning?.status.inhibitedBy.length, 1);
      const sentByBoth = webhook.flatMap((message) => message.alerts).filter((alert) =>
        alert.labels.notified_by === "breakwater"
      );
      assert.deepEqual(sentByBoth, [], "nothing breakwater notifies is sent by Alertmanager too");
    } finally {
      await daemon?.stop();
      await prometheus?.stop();
      await alertmanager?.stop();
      await receiver.shutdown();
      await telegram.close();
      await containers.removeAll();
      await workspace.remove();
    }
  },
});
