import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify } from "yaml";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { installOpenClaw, openClaw, OpenClawGateway } from "../support/openclaw.ts";
import { waitFor } from "../support/wait.ts";

const SHIPPED_CONFIG = new URL("../../compose/openclaw/openclaw.json", import.meta.url).pathname;
const TOKEN = "openclaw-test-token-0123456789";

Deno.test({
  name:
    "OpenClaw: the real CLI accepts compose/openclaw/openclaw.json with the environment compose passes",
  async fn() {
    const install = await installOpenClaw();
    const home = await Deno.makeTempDir({ prefix: "breakwater-openclaw-" });
    try {
      const env = {
        HOME: home,
        OPENCLAW_CONFIG_PATH: SHIPPED_CONFIG,
        OPENCLAW_GATEWAY_TOKEN: TOKEN,
        TELEGRAM_BOT_TOKEN: "",
      };
      const checked = await openClaw(install, ["config", "validate", "--json"], env);
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
      assert.deepEqual(JSON.parse(checked.stdout), {
        valid: true,
        path: SHIPPED_CONFIG,
        warnings: [],
      });

      // The check can fail: what the file used to say is refused.
      const broken = join(home, "broken.json");
      const config = JSON.parse(await Deno.readTextFile(SHIPPED_CONFIG));
      await Deno.writeTextFile(
        broken,
        JSON.stringify({ ...config, gateway: { ...config.gateway, bind: "0.0.0.0" } }),
      );
      const refused = await openClaw(install, ["config", "validate", "--json"], {
        ...env,
        OPENCLAW_CONFIG_PATH: broken,
      });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stdout + refused.stderr, /gateway\.bind/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "OpenClaw: breakwater probes the real gateway — up with latency, down after downAfter (journaled, notified), up again",
  async fn() {
    const install = await installOpenClaw();
    const home = await Deno.makeTempDir({ prefix: "breakwater-openclaw-" });
    const received: { text: string }[] = [];
    const receiver = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        received.push(await request.json());
        return Response.json({ ok: true });
      },
    );
    let gateway: OpenClawGateway | undefined;
    let daemon: Daemon | undefined;
    const workspace = await createWorkspace("");
    try {
      const started = Date.now();
      gateway = await OpenClawGateway.launch(install, {
        configPath: SHIPPED_CONFIG,
        home,
        token: TOKEN,
      });
      console.log(`gateway live after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await waitFor(
        "the gateway ready (/readyz 200 once its sidecars started)",
        async () => {
          const answer = await fetch(`${gateway!.url}/readyz`).catch(() => null);
          const body = await answer?.json().catch(() => null);
          assert.ok(answer === null || [200, 503].includes(answer.status));
          return answer?.status === 200 && body?.ready === true;
        },
        { timeoutMs: 120_000, intervalMs: 1_000 },
      );
      console.log(
        `gateway RSS with its helpers: ${(await gateway.rss() / 2 ** 20).toFixed(0)} MiB`,
      );

      await Deno.writeTextFile(
        workspace.configPath,
        stringify({
          stateDir: workspace.stateDir,
          api: { port: 0 },
          heal: { enabled: false },
          gpu: { enabled: false },
          probeInterval: "500ms",
          probes: [{ name: "openclaw", url: `${gateway.url}/healthz`, downAfter: 3 }],
          notify: { webhook: { url: `http://127.0.0.1:${receiver.addr.port}/hook` } },
        }),
      );
      daemon = await Daemon.start(["--config", workspace.configPath], { BREAKWATER_TOKEN: TOKEN });
      const api = await daemon.apiUrl();
      const metric = async (series: RegExp) => {
        const text = await (await fetch(`${api}/metrics`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })).text();
        return Number(series.exec(text)?.[1] ?? NaN);
      };
      await waitFor(
        "answered probes in the latency histogram",
        async () =>
          await metric(
            /breakwater_probe_duration_seconds_count\{probe="openclaw",result="up"\} (\d+)/,
          ) >= 3,
      );
      assert.equal(await metric(/breakwater_probe_up\{probe="openclaw"\} (\d)/), 1);

      await gateway.stop();
      await waitFor(
        "the probe down",
        async () => await metric(/breakwater_probe_up\{probe="openclaw"\} (\d)/) === 0,
      );
      const down = await waitFor(
        "probe-down journaled",
        async () => (await workspace.entries()).find((entry) => entry.action === "probe-down"),
      );
      assert.match(down.reason, /probe openclaw is down \(3 in a row\)/);
      const failedReadings = await metric(
        /breakwater_probe_duration_seconds_count\{probe="openclaw",result="down"\} (\d+)/,
      );
      assert.ok(failedReadings >= 3, `${failedReadings} failed readings before probe-down`);
      await waitFor(
        "probe-down notified",
        () => received.some((message) => /probe openclaw is down/.test(message.text)),
      );

      await gateway.restart();
      const up = await waitFor(
        "probe-up journaled",
        async () => (await workspace.entries()).find((entry) => entry.action === "probe-up"),
      );
      assert.match(up.reason, /probe openclaw answers again/);
      assert.equal(await metric(/breakwater_probe_up\{probe="openclaw"\} (\d)/), 1);
      assert.equal(
        (await workspace.entries()).filter((entry) => entry.action === "probe-down").length,
        1,
        "journaled once per outage, not once per failed reading",
      );
    } finally {
      await daemon?.stop();
      await gateway?.stop();
      await receiver.shutdown();
      await workspace.remove();
      await Deno.remove(home, { recursive: true });
    }
  },
});
