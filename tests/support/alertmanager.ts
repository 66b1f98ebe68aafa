import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "./prometheus.ts";
import { waitFor } from "./wait.ts";

/** One alert as Alertmanager's API v2 lists it (`GET /api/v2/alerts`). */
export interface ManagedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: { name: string }[];
  status: { state: "active" | "suppressed" | "unprocessed"; inhibitedBy: string[] };
}

/** A real Alertmanager (Debian's `prometheus-alertmanager`) on loopback, with the given config. */
export class Alertmanager {
  private constructor(
    readonly url: string,
    readonly dir: string,
    readonly child: Deno.ChildProcess,
  ) {}

  static async start(config: unknown): Promise<Alertmanager> {
    const dir = await Deno.makeTempDir({ prefix: "breakwater-alertmanager-" });
    const configFile = join(dir, "alertmanager.yml");
    await Deno.writeTextFile(configFile, stringify(config));
    const port = freePort();
    const child = new Deno.Command("prometheus-alertmanager", {
      args: [
        `--config.file=${configFile}`,
        `--storage.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // One instance: no gossip port to collide with another test's.
        "--cluster.listen-address=",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      "Alertmanager ready",
      async () => (await fetch(`${url}/-/ready`).catch(() => null))?.ok,
    );
    return new Alertmanager(url, dir, child);
  }

  /** The alerts it holds, with where each is routed and whether it is inhibited. */
  async alerts(): Promise<ManagedAlert[]> {
    return await (await fetch(`${this.url}/api/v2/alerts`)).json();
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await this.child.status;
    await Deno.remove(this.dir, { recursive: true });
  }
}
