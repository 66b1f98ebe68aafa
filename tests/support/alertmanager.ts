import { join } from "node:path";
import { stringify } from "yaml";
import { type LoopbackServer, startLoopbackServer } from "./loopback_server.ts";

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
    readonly server: LoopbackServer,
  ) {}

  static async start(config: unknown): Promise<Alertmanager> {
    const dir = await Deno.makeTempDir({ prefix: "breakwater-alertmanager-" });
    const configFile = join(dir, "alertmanager.yml");
    await Deno.writeTextFile(configFile, stringify(config));
    const server = await startLoopbackServer("prometheus-alertmanager", (address) => [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=${address}`,
      // One instance: no gossip port to collide with another test's.
      "--cluster.listen-address=",
    ], "/-/ready");
    return new Alertmanager(server.url, dir, server);
  }

  /** The alerts it holds, with where each is routed and whether it is inhibited. */
  async alerts(): Promise<ManagedAlert[]> {
    return await (await fetch(`${this.url}/api/v2/alerts`)).json();
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await Deno.remove(this.dir, { recursive: true });
  }
}
