import { join } from "node:path";
import { stringify } from "yaml";
import { waitFor } from "./wait.ts";

/** A free TCP port on loopback. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A real Prometheus (Debian's `prometheus`), started on loopback with the given config. */
export class Prometheus {
  private constructor(
    readonly url: string,
    readonly dir: string,
    readonly child: Deno.ChildProcess,
  ) {}

  /**
   * Starts it with `config`; `alongside` links folders next to the config file, where the
   * config's relative paths (such as `rule_files`) find them, as in the stack's container.
   */
  static async start(
    config: unknown,
    alongside: Record<string, URL> = {},
  ): Promise<Prometheus> {
    const dir = await Deno.makeTempDir({ prefix: "breakwater-prometheus-" });
    await Deno.writeTextFile(join(dir, "prometheus.yml"), stringify(config));
    for (const [name, target] of Object.entries(alongside)) {
      await Deno.symlink(target.pathname, join(dir, name));
    }
    const port = freePort();
    const child = new Deno.Command("prometheus", {
      args: [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      "Prometheus ready",
      async () => (await fetch(`${url}/-/ready`).catch(() => null))?.ok,
    );
    return new Prometheus(url, dir, child);
  }

  /** Runs an instant query; returns Prometheus's answer as it is. */
  async query(
    expr: string,
  ): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
    const response = await fetch(
      `${this.url}/api/v1/query?${new URLSearchParams({ query: expr })}`,
    );
    return await response.json();
  }

  /** The rule groups it loaded, with their rules' names. */
  async ruleGroups(): Promise<{ name: string; rules: string[] }[]> {
    const body = await (await fetch(`${this.url}/api/v1/rules`)).json();
    return body.data.groups.map((group: { name: string; rules: { name: string }[] }) => ({
      name: group.name,
      rules: group.rules.map((rule) => rule.name),
    }));
  }

  /** The scrape targets and their health. */
  async targets(): Promise<{ job: string; health: string; lastError: string }[]> {
    const body = await (await fetch(`${this.url}/api/v1/targets`)).json();
    return body.data.activeTargets.map((
      target: { labels: { job: string }; health: string; lastError: string },
    ) => ({
      job: target.labels.job,
      health: target.health,
      lastError: target.lastError,
    }));
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await this.child.status;
    await Deno.remove(this.dir, { recursive: true });
  }
}

/** Debian's node exporter on a free loopback port. */
export async function startNodeExporter(): Promise<{ address: string; stop(): Promise<void> }> {
  const port = freePort();
  const child = new Deno.Command("prometheus-node-exporter", {
    args: [`--web.listen-address=127.0.0.1:${port}`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const address = `127.0.0.1:${port}`;
  await waitFor(
    "node-exporter ready",
    async () => (await fetch(`http://${address}/metrics`).catch(() => null))?.ok,
  );
  return {
    address,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
