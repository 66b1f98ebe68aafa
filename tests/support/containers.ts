import Docker from "dockerode";
import { TEST_IMAGE } from "./test_image.ts";

/** How a test container's healthcheck behaves. */
export type TestHealth =
  /** Healthy while `/tmp/ok` exists; the container creates it at start. */
  | "file"
  /** Healthy while `/ctl/ok` exists in a host folder mounted at `/ctl`. */
  | { hostDir: string }
  /** Always failing. */
  | "failing"
  | "none";

/** Options for {@linkcode TestContainers.create}. */
export interface CreateOptions {
  labels?: Record<string, string>;
  health?: TestHealth;
  /** Healthcheck interval, ms (default 1 s). */
  intervalMs?: number;
  hostConfig?: Docker.HostConfig;
  /** Leave it created, not started. */
  start?: boolean;
  /** What it runs, instead of creating `/tmp/ok` and sleeping. */
  cmd?: string[];
  /** Its own stop timeout (`--stop-timeout`), seconds. */
  stopTimeoutSeconds?: number;
}

/**
 * Containers made by one test, uniquely named and labelled so that `removeAll` finds every one,
 * even those a failing test left behind.
 */
export class TestContainers {
  readonly docker: Docker;
  readonly runId = crypto.randomUUID().slice(0, 8);

  /** On the engine at `socketPath` (the machine's own by default). */
  constructor(socketPath = "/var/run/docker.sock") {
    this.docker = new Docker({ socketPath });
  }

  /** A unique container name for this run. */
  name(suffix: string): string {
    return `bw-${this.runId}-${suffix}`;
  }

  /** Creates (and by default starts) a busybox container that sleeps. */
  async create(suffix: string, options: CreateOptions = {}): Promise<Docker.Container> {
    const health = options.health ?? "file";
    const intervalNs = (options.intervalMs ?? 1_000) * 1e6;
    const test = health === "file"
      ? ["CMD", "test", "-f", "/tmp/ok"]
      : health === "failing"
      ? ["CMD", "false"]
      : health === "none"
      ? ["NONE"]
      : ["CMD", "test", "-f", "/ctl/ok"];
    const binds = typeof health === "object" ? [`${health.hostDir}:/ctl`] : [];
    const container = await this.docker.createContainer({
      name: this.name(suffix),
      Image: TEST_IMAGE,
      Cmd: options.cmd ?? ["sh", "-c", "touch /tmp/ok; exec sleep 100000"],
      Labels: { "breakwater.test": this.runId, ...options.labels },
      Healthcheck: { Test: test, Interval: intervalNs, Timeout: 2e9, Retries: 1 },
      HostConfig: { NetworkMode: "none", Binds: binds, ...options.hostConfig },
      ...(options.stopTimeoutSeconds === undefined
        ? {}
        : { StopTimeout: options.stopTimeoutSeconds }),
    });
    if (options.start ?? true) await container.start();
    return container;
  }

  /** Runs a command inside a container and waits for it to end. */
  async exec(container: Docker.Container, cmd: string[]): Promise<void> {
    const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise((resolve) => {
      stream.on("end", resolve);
      stream.on("close", resolve);
      stream.resume();
    });
  }

  /** When the container last started, as Docker reports it. */
  async startedAt(container: Docker.Container): Promise<string> {
    return (await container.inspect()).State.StartedAt;
  }

  /** The container's health status. */
  async health(container: Docker.Container): Promise<string | undefined> {
    return (await container.inspect()).State.Health?.Status;
  }

  /** Removes every container of this run. */
  async removeAll(): Promise<void> {
    const mine = await this.docker.listContainers({
      all: true,
      filters: { label: [`breakwater.test=${this.runId}`] },
    });
    await Promise.all(
      mine.map((info) => this.docker.getContainer(info.Id).remove({ force: true })),
    );
  }
}
