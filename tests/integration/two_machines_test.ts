import assert from "node:assert/strict";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { closeAll } from "../support/connections.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { NetworkNamespace } from "../support/network_namespace.ts";
import { Prometheus } from "../support/prometheus.ts";
import { waitFor } from "../support/wait.ts";

const ROOT = new URL("../../", import.meta.url);
const TOKEN = "laptop-token-0123456789abcdef";

/**
 * docs/control-api.md "Two machines, step by step", as written: the second machine's daemon with
 * `api.host: 0.0.0.0` and a token of its own, on an address that is not loopback (a network
 * namespace of the test's own: "the laptop"); the stack's Prometheus with the job that
 * docs/metrics-and-dashboards.md shows; the plugin's route, which names the laptop by its address.
 */
Deno.test("two machines as the guide says: a daemon on a non-loopback address, scraped and reached", async () => {
  const laptop = await NetworkNamespace.create();
  const workspace = await createWorkspace(stringify({
    api: { host: "0.0.0.0", port: 0 },
    metricsInterval: "1s",
    gpu: { enabled: false },
    probes: [],
  }));
  let daemon: Daemon | undefined;
  let prometheus: Prometheus | undefined;
  try {
    daemon = await Daemon.start(
      ["--config", workspace.configPath],
      { BREAKWATER_TOKEN: TOKEN },
      /breakwater ready/,
      {
        prefix: laptop.enter,
      },
    );
    const port = new URL(await daemon.apiUrl()).port;
    const address = `${laptop.address}:${port}`;

    // Step 2 and 3: the laptop's token in its own file, and the guide's scrape job for it.
    const tokenFile = join(workspace.dir, "breakwater-token-laptop");
    await Deno.writeTextFile(tokenFile, TOKEN);
    const guide = Deno.readTextFileSync(new URL("docs/metrics-and-dashboards.md", ROOT));
    const job = parse(/```yaml\n([\s\S]*?)```/.exec(guide)![1])[0];
    job.authorization.credentials_file = tokenFile;
    job.static_configs[0].targets = [address];
    const config = parse(Deno.readTextFileSync(new URL("compose/prometheus.yml", ROOT)));
    config.global.scrape_interval = "1s";
    config.scrape_configs = [job];
    delete config.alerting;
    delete config.rule_files;
    prometheus = await Prometheus.start(config);
    await waitFor("the laptop's target up", async () => {
      const [target] = await prometheus!.targets();
      return target?.health === "up";
    }, { timeoutMs: 30_000 });
    const engineUp = await prometheus.query(`breakwater_engine_up{job="${job.job_name}"}`);
    const series = engineUp.data!.result as { metric: Record<string, string>; value: unknown[] }[];
    assert.deepEqual(series.map(({ metric }) => [metric.host, metric.instance]), [
      ["laptop", address],
    ]);

    // Step 4: the app's route for the laptop is http://<laptop's address>:8787; Grafana's proxy
    // sends that authority as Host.
    const status = await fetch(`http://${address}/api/v1/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(status.status, 200, await status.clone().text());
    assert.ok(Array.isArray((await status.json()).containers));
    const byName = await raw(laptop.address, Number(port), "laptop.local");
    assert.match(byName, /^HTTP\/1\.1 421 /, "a host name must be listed in api.allowedHosts");
  } finally {
    await daemon?.stop();
    await prometheus?.stop();
    await workspace.remove();
    await laptop.remove();
  }
});

/** One GET /healthz naming `host`, its answer's first bytes. */
async function raw(hostname: string, port: number, host: string): Promise<string> {
  const conn = await Deno.connect({ hostname, port });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buffer = new Uint8Array(256);
    const count = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, count ?? 0));
  } finally {
    closeAll([conn]);
  }
}
