import Docker from "dockerode";
import { type ContainerSnapshot, toContainerSnapshot } from "./container_snapshot.ts";
import { type EngineEndpoint, resolveEndpoint } from "./endpoint.ts";
import { type EngineEvent, EngineEventDecoder } from "./engine_event.ts";
import { EngineUnreachableError, toEngineError } from "./errors.ts";
import { type StatsSample, toStatsSample } from "./stats_sample.ts";
import { mapConcurrent } from "../concurrency.ts";

/** What the engine says about itself. */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
}

/** What `docker info` says about the engine's host. */
export interface EngineSystemInfo {
  version: string;
  operatingSystem: string;
  kernelVersion: string;
  cgroupVersion: string;
  cgroupDriver: string;
  storageDriver: string;
  dockerRootDir: string;
  runtimes: string[];
  defaultRuntime: string;
  cdiSpecDirs: string[];
  warnings: string[];
}

/** A container as the engine's list shows it, before any inspect. */
export interface ContainerListing {
  id: string;
  name: string;
  state: string;
  labels: Record<string, string>;
  /**
   * The container's own stop timeout where the reader inspected it (`null`: none set); left out
   * by the engine's list, which does not show it.
   */
  stopTimeoutMs?: number | null;
}

/** Options for {@linkcode Engine.events}. */
export interface EventOptions {
  /**
   * Only these container actions, filtered by the engine (`health_status` matches every
   * `health_status: …`); all of them when left out. Healthchecks alone make three exec events a
   * probe, so a caller that wants a few actions should name them.
   */
  actions?: readonly string[];
  signal?: AbortSignal;
  onConnected?: () => void;
}

/** How long a request may wait for the engine's answer (plus the stop timeout for stop/restart). */
const CALL_TIMEOUT_MS = 30_000;

/**
 * The one door to the Docker engine, over its HTTP API through dockerode. Readers use the read
 * calls; only the executor uses the calls that change containers. Every failure comes out as an
 * error from `errors.ts`.
 */
export class Engine {
  readonly #docker: Docker;

  readonly #callTimeoutMs: number;

  /** `callTimeoutMs`: how long a request may wait for an answer (30 s). */
  constructor(readonly endpoint: EngineEndpoint, { callTimeoutMs = CALL_TIMEOUT_MS } = {}) {
    this.#docker = new Docker(endpoint.options);
    this.#callTimeoutMs = callTimeoutMs;
  }

  /** Connects to `DOCKER_HOST`, else `configHost`, else the platform's default address. */
  static connect(configHost?: string): Engine {
    return new Engine(resolveEndpoint({ configHost }));
  }

  /** Engine version; fails with {@linkcode EngineUnreachableError} when it cannot be reached. */
  async info(): Promise<EngineInfo> {
    const version = await this.#call(() => this.#docker.version());
    return { version: version.Version, apiVersion: version.ApiVersion, os: version.Os };
  }

  /** The engine's host: cgroups, storage, runtimes, warnings. */
  async systemInfo(): Promise<EngineSystemInfo> {
    const info = await this.#call(() => this.#docker.info()) as Record<string, unknown>;
    const text = (key: string) => String(info[key] ?? "");
    return {
      version: text("ServerVersion"),
      operatingSystem: text("OperatingSystem"),
      kernelVersion: text("KernelVersion"),
      cgroupVersion: text("CgroupVersion"),
      cgroupDriver: text("CgroupDriver"),
      storageDriver: text("Driver"),
      dockerRootDir: text("DockerRootDir"),
      runtimes: Object.keys((info.Runtimes as Record<string, unknown> | undefined) ?? {}),
      defaultRuntime: text("DefaultRuntime"),
      cdiSpecDirs: (info.CDISpecDirs as string[] | undefined) ?? [],
      warnings: (info.Warnings as string[] | null | undefined) ?? [],
    };
  }

  /** Raw inspect answers of every container (those removed meanwhile left out). */
  async inspectAll(concurrency: number): Promise<Docker.ContainerInspectInfo[]> {
    const listing = await this.list();
    const answers = await mapConcurrent(
      listing,
      concurrency,
      (container) =>
        this.#call(
          (abortSignal) => this.#docker.getContainer(container.id).inspect({ abortSignal }),
          container.id,
        ).catch(
          (error) => {
            if (error instanceof Error && error.name === "ContainerNotFoundError") return undefined;
            throw error;
          },
        ),
    );
    return answers.filter((answer) => answer !== undefined);
  }

  /** Every container, running or not. */
  async list(): Promise<ContainerListing[]> {
    const containers = await this.#call((abortSignal) =>
      this.#docker.listContainers({ all: true, abortSignal })
    );
    return containers.map((container) => ({
      id: container.Id,
      name: (container.Names[0] ?? container.Id).replace(/^\//, ""),
      state: container.State,
      labels: container.Labels ?? {},
    }));
  }

  /** Inspects one container by id or name. */
  async inspect(idOrName: string): Promise<ContainerSnapshot> {
    const inspect = await this.#call(
      (abortSignal) => this.#docker.getContainer(idOrName).inspect({ abortSignal }),
      idOrName,
    );
    return toContainerSnapshot(inspect);
  }

  /**
   * Inspects every container, `concurrency` at a time. Containers removed between the list and
   * the inspect are left out.
   */
  async snapshots(concurrency: number): Promise<ContainerSnapshot[]> {
    return (await this.inspectAll(concurrency)).map(toContainerSnapshot);
  }

  /** One stats reading, taken without waiting for the engine's next sampling tick. */
  async stats(id: string): Promise<StatsSample> {
    const options = { stream: false, "one-shot": true } as { stream: false };
    const stats = await this.#call(
      (abortSignal) =>
        this.#docker.getContainer(id).stats({ ...options, abortSignal } as typeof options),
      id,
    );
    return toStatsSample(stats);
  }

  /** Restarts a container; the engine waits `stopTimeoutMs` before it kills. */
  restart(id: string, stopTimeoutMs: number): Promise<void> {
    const t = Math.ceil(stopTimeoutMs / 1_000);
    return this.#call(
      (abortSignal) => this.#docker.getContainer(id).restart({ t, abortSignal }),
      id,
      stopTimeoutMs + this.#callTimeoutMs,
    );
  }

  /** Stops a container; the engine waits `stopTimeoutMs` before it kills. */
  stop(id: string, stopTimeoutMs: number): Promise<void> {
    const t = Math.ceil(stopTimeoutMs / 1_000);
    return this.#call(
      (abortSignal) => this.#docker.getContainer(id).stop({ t, abortSignal }),
      id,
      stopTimeoutMs + this.#callTimeoutMs,
    );
  }

  /**
   * The default bridge's gateway: where `host-gateway` (and so the stack's host.docker.internal)
   * leads on a Linux engine; `null` when the engine has no default bridge.
   */
  async bridgeGateway(): Promise<string | null> {
    try {
      const network = await this.#call(() => this.#docker.getNetwork("bridge").inspect());
      const configs =
        (network as { IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> } })
          .IPAM?.Config ?? [];
      const ipv4 = configs.find((config) => /^\d+\.\d+\.\d+\.\d+\//.test(config.Subnet ?? ""));
      // The engine leaves Gateway out when it is the default: the subnet's first address.
      return ipv4?.Gateway ?? (ipv4?.Subnet ? firstAddress(ipv4.Subnet) : null);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  }

  /** The names of the engine's volumes. */
  async volumeNames(): Promise<string[]> {
    const answer = await this.#call(() => this.#docker.listVolumes());
    return (answer.Volumes ?? []).map((volume) => volume.Name);
  }

  /** Whether the engine holds an image under this reference (`name:tag`). */
  async hasImage(reference: string): Promise<boolean> {
    try {
      await this.#call(() => this.#docker.getImage(reference).inspect());
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      if (/no such image/i.test((error as Error).message)) return false;
      throw error;
    }
  }

  /** Starts a stopped container. */
  start(id: string): Promise<void> {
    return this.#call((abortSignal) => this.#docker.getContainer(id).start({ abortSignal }), id);
  }

  /** Freezes every process of a container (cgroup freezer). */
  pause(id: string): Promise<void> {
    return this.#call((abortSignal) => this.#docker.getContainer(id).pause({ abortSignal }), id);
  }

  /** Thaws a paused container. */
  unpause(id: string): Promise<void> {
    return this.#call(
      (abortSignal) => this.#docker.getContainer(id).unpause({ abortSignal }),
      id,
    );
  }

  /**
   * Container events from now on, until the stream drops (the iteration then ends or throws) or
   * `signal` aborts. Callers reconnect. `onConnected` runs once the engine has accepted the
   * subscription, before any event arrives.
   */
  async *events(options: EventOptions = {}): AsyncGenerator<EngineEvent> {
    const { signal, onConnected, actions } = options;
    const filters = {
      type: ["container" as const],
      ...(actions ? { event: [...actions] } : {}),
    };
    const stream = await this.#call((abortSignal) =>
      this.#docker.getEvents({ filters, abortSignal })
    ) as
      & NodeJS.ReadableStream
      & { destroy(): void };
    onConnected?.();
    const abort = () => stream.destroy();
    signal?.addEventListener("abort", abort, { once: true });
    const decoder = new EngineEventDecoder();
    try {
      for await (const chunk of stream) {
        yield* decoder.push(chunk as Uint8Array);
      }
    } catch (error) {
      if (!signal?.aborted) throw toEngineError(error, this.endpoint);
    } finally {
      signal?.removeEventListener("abort", abort);
      stream.destroy();
    }
  }

  /**
   * One request, given up after `timeoutMs` (a hung engine must not hang breakwater's loops):
   * the request is aborted and the engine reported unreachable. A stream (events) is bounded only
   * until the engine starts answering.
   */
  async #call<T>(
    request: (abortSignal: AbortSignal) => Promise<T>,
    container?: string,
    timeoutMs = this.#callTimeoutMs,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The race also bounds the calls whose types take no signal (version, info).
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error("timed out"));
      }, timeoutMs);
    });
    try {
      return await Promise.race([request(controller.signal), timedOut]);
    } catch (error) {
      if (controller.signal.aborted) {
        throw new EngineUnreachableError(this.endpoint, `no answer within ${timeoutMs / 1_000} s`);
      }
      throw toEngineError(error, this.endpoint, container);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The first host address of an IPv4 subnet (`172.17.0.0/16` → `172.17.0.1`). */
function firstAddress(subnet: string): string {
  const [address, bits] = subnet.split("/");
  const value = address.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const first = ((value & mask) >>> 0) + 1;
  return [24, 16, 8, 0].map((shift) => (first >>> shift) & 255).join(".");
}
