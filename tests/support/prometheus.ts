import { join } from "node:path";
import { stringify } from "yaml";
import { type LoopbackServer, startLoopbackServer } from "./loopback_server.ts";

/** A real Prometheus (Debian's `prometheus`), started on loopback with the given config. */
export class Prometheus {
  private constructor(
    readonly url: string,
    readonly dir: string,
    readonly server: LoopbackServer,
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
    const server = await startLoopbackServer("prometheus", (address) => [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=${address}`,
    ], "/-/ready");
    return new Prometheus(server.url, dir, server);
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
    await this.server.stop();
    await Deno.remove(this.dir, { recursive: true });
  }
}

/** Debian's node exporter on a free loopback port. */
export function startNodeExporter(): Promise<LoopbackServer> {
  return startLoopbackServer(
    "prometheus-node-exporter",
    (address) => [`--web.listen-address=${address}`],
    "/metrics",
  );
}
