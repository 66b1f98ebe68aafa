import Docker from "dockerode";
import { join } from "node:path";
import { ensureTestImage } from "./test_image.ts";
import { waitFor } from "./wait.ts";

/** Options for {@linkcode PrivateEngine.start}. */
export interface PrivateEngineOptions {
  /**
   * The words that enter a network namespace (`NetworkNamespace.enter`): the engine runs in it,
   * with its own docker0 bridge, as on a stock Linux machine (host.docker.internal is that
   * bridge's gateway). Without it, no bridge, as CI's engine.
   */
  enter?: string[];
  /** The user who may use the socket (an ordinary user's uid). */
  socketOwner?: number;
}

/**
 * A Docker engine of a test's own: Debian's dockerd on a socket, data and exec folders in a
 * temporary folder (no iptables), with the test image built into it.
 */
export class PrivateEngine {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    readonly docker: Docker,
    readonly child: Deno.ChildProcess,
  ) {}

  static async start(options: PrivateEngineOptions = {}): Promise<PrivateEngine> {
    const dir = await Deno.makeTempDir({ prefix: "breakwater-engine-" });
    const socket = join(dir, "docker.sock");
    // nsenter, not `ip netns exec`: that mounts a sysfs of its own, hiding the cgroup mounts.
    const [program, ...enter] = [...(options.enter ?? []), "dockerd"];
    const child = new Deno.Command(program, {
      args: [
        ...enter,
        `--data-root=${join(dir, "data")}`,
        `--exec-root=${join(dir, "exec")}`,
        `--pidfile=${join(dir, "dockerd.pid")}`,
        `--host=unix://${socket}`,
        "--iptables=false",
        "--ip6tables=false",
        ...(options.enter ? [] : ["--bridge=none"]),
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
    if (options.socketOwner !== undefined) {
      await Deno.chmod(dir, 0o755);
      await Deno.chown(socket, options.socketOwner, null);
    }
    await ensureTestImage(docker);
    return new PrivateEngine(dir, socket, docker, child);
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await this.child.status;
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}
