import { join } from "node:path";
import { freePort } from "./loopback_server.ts";
import { waitFor } from "./wait.ts";

/** The OpenClaw release the stack's config is checked against, and the Node it needs. */
export const OPENCLAW_VERSION = "2026.9.6";
const NODE_VERSION = "24.21.0";

/** Where the real OpenClaw and Node 24 are installed once and kept (a CI cache can keep it too). */
const CACHE = Deno.env.get("BREAKWATER_TEST_CACHE") ??
  join(Deno.env.get("HOME") ?? "/tmp", ".cache", "breakwater-test");

/** The OpenClaw CLI and the environment that puts Node 24 first. */
export interface OpenClawInstall {
  bin: string;
  env: Record<string, string>;
}

async function npmInstall(prefix: string, spec: string, path: string): Promise<void> {
  await Deno.mkdir(prefix, { recursive: true });
  const result = await new Deno.Command("npm", {
    args: ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", prefix, spec],
    env: { PATH: path },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(`npm install ${spec} failed:\n${new TextDecoder().decode(result.stderr)}`);
  }
}

/**
 * Installs Node 24 (npm `node`) and OpenClaw (npm `openclaw`) into the cache when missing: OpenClaw
 * refuses to install or run on an older Node, so npm itself runs on Node 24 for its install.
 */
export async function installOpenClaw(): Promise<OpenClawInstall> {
  const nodeDir = join(CACHE, `node-${NODE_VERSION}`);
  const clawDir = join(CACHE, `openclaw-${OPENCLAW_VERSION}`);
  const nodeBin = join(nodeDir, "node_modules", ".bin");
  const bin = join(clawDir, "node_modules", ".bin", "openclaw");
  const path = `${nodeBin}:${Deno.env.get("PATH")}`;
  const exists = (file: string) => Deno.stat(file).then(() => true, () => false);
  if (!await exists(join(nodeBin, "node"))) {
    console.log(`installing Node ${NODE_VERSION} for OpenClaw into ${nodeDir} (once)…`);
    await npmInstall(nodeDir, `node@${NODE_VERSION}`, Deno.env.get("PATH") ?? "");
  }
  if (!await exists(bin)) {
    console.log(`installing OpenClaw ${OPENCLAW_VERSION} into ${clawDir} (once, about a minute)…`);
    await npmInstall(clawDir, `openclaw@${OPENCLAW_VERSION}`, path);
  }
  return { bin, env: { PATH: path } };
}

/** Runs the OpenClaw CLI to its end. */
export async function openClaw(
  install: OpenClawInstall,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await new Deno.Command(install.bin, {
    args,
    env: { ...install.env, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: result.code, stdout: text(result.stdout), stderr: text(result.stderr) };
}

/** A real OpenClaw gateway on a free loopback port. */
export class OpenClawGateway {
  private constructor(
    readonly url: string,
    readonly port: number,
    private child: Deno.ChildProcess,
    private readonly start: () => Deno.ChildProcess,
  ) {}

  /** Starts `openclaw gateway run` with `configPath`, its state under `home`. */
  static async launch(
    install: OpenClawInstall,
    options: { configPath: string; home: string; token: string },
  ): Promise<OpenClawGateway> {
    const port = freePort();
    const start = () =>
      new Deno.Command(install.bin, {
        args: ["gateway", "run", "--port", String(port), "--bind", "loopback"],
        env: {
          ...install.env,
          HOME: options.home,
          OPENCLAW_CONFIG_PATH: options.configPath,
          OPENCLAW_GATEWAY_TOKEN: options.token,
        },
        stdout: "null",
        stderr: "null",
      }).spawn();
    const gateway = new OpenClawGateway(`http://127.0.0.1:${port}`, port, start(), start);
    await gateway.live();
    return gateway;
  }

  /** Waits for `/healthz` to answer (about 15–50 s on two busy cores). */
  async live(): Promise<void> {
    await waitFor(
      "the OpenClaw gateway live",
      async () => (await fetch(`${this.url}/healthz`).catch(() => null))?.ok,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  }

  /** Resident memory of the gateway and the processes it started, bytes. */
  async rss(): Promise<number> {
    const ids = [this.child.pid, ...await descendants(this.child.pid)];
    let total = 0;
    for (const id of ids) {
      const status = await Deno.readTextFile(`/proc/${id}/status`).catch(() => "");
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    }
    return total;
  }

  async stop(): Promise<void> {
    const children = await descendants(this.child.pid);
    try {
      this.child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await this.child.status;
    for (const id of children) {
      try {
        Deno.kill(id, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    this.child = this.start();
    await this.live();
  }
}

async function descendants(pid: number): Promise<number[]> {
  const children = (await Deno.readTextFile(`/proc/${pid}/task/${pid}/children`).catch(() => ""))
    .trim().split(/\s+/).filter(Boolean).map(Number);
  return [...children, ...(await Promise.all(children.map(descendants))).flat()];
}
