import Docker from "dockerode";
import { join } from "node:path";
import { ensureTestImage } from "./test_image.ts";
import { waitFor } from "./wait.ts";

/**
 * A Docker engine of a test's own: Debian's dockerd on a socket, data and exec folders in a
 * temporary folder (no iptables, no bridge, as CI's), with the test image built into it.
 */
export class PrivateEngine {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    readonly docker: Docker,
    readonly child: Deno.ChildProcess,
  ) {}

  static async start(): Promise<PrivateEngine> {
    const dir = await Deno.makeTempDir({ prefix: "breakwater-engine-" });
    const socket = join(dir, "docker.sock");
    const child = new Deno.Command("dockerd", {
      args: [
        `--data-root=${join(dir, "data")}`,
        `--exec-root=${join(dir, "exec")}`,
        `--pidfile=${join(dir, "dockerd.pid")}`,
        `--host=unix://${socket}`,
        "--iptables=false",
        "--ip6tables=false",
        "--bridge=none",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const docker = new Docker({ socketPath: socket });
    await waitFor("the private engine to answer", async () => {
      try {
        await docker.ping();
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 60_000 });
    await ensureTestImage(docker);
    return new PrivateEngine(dir, socket, docker, child);
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await this.child.status;
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}
