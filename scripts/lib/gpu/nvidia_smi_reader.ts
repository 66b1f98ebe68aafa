import type { GpuReader, GpuReading } from "./gpu_reading.ts";
import {
  parseComputeAppsCsv,
  parseQueryGpuCsv,
  QUERY_APPS_FIELDS,
  QUERY_GPU_FIELDS,
  withProcesses,
} from "./nvidia_smi_csv.ts";

/** The nvidia-smi command does not exist here. */
export class NvidiaSmiNotFoundError extends Error {
  constructor(readonly command: string) {
    super(`${command} not found on PATH; install the NVIDIA driver's utilities`);
    this.name = "NvidiaSmiNotFoundError";
  }
}

/** Options for {@linkcode NvidiaSmiReader}. */
export interface NvidiaSmiOptions {
  /** The command to run (default `nvidia-smi` from PATH). */
  command?: string;
  timeoutMs?: number;
  /** `false` where nvidia-smi lists no processes even when there are some (WSL2/WDDM). */
  perProcess?: boolean;
}

/**
 * Reads GPUs by running `nvidia-smi --query-gpu` and `--query-compute-apps` (two processes a
 * sample, about 26 ms each). The process list is `null` when `perProcess` is off or its query
 * fails, so "no processes" is never confused with "cannot tell".
 */
export class NvidiaSmiReader implements GpuReader {
  readonly source = "nvidia-smi" as const;
  readonly command: string;
  readonly #timeoutMs: number;
  readonly #perProcess: boolean;

  constructor(options: NvidiaSmiOptions = {}) {
    this.command = options.command ?? "nvidia-smi";
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#perProcess = options.perProcess ?? true;
  }

  async read(): Promise<GpuReading[]> {
    const [gpus, apps] = await Promise.all([
      this.#run([`--query-gpu=${QUERY_GPU_FIELDS.join(",")}`, "--format=csv,noheader,nounits"]),
      this.#perProcess
        ? this.#run([
          `--query-compute-apps=${QUERY_APPS_FIELDS.join(",")}`,
          "--format=csv,noheader,nounits",
        ]).catch(() => undefined)
        : Promise.resolve(undefined),
    ]);
    const readings = parseQueryGpuCsv(gpus);
    if (readings.length === 0) throw new Error(`${this.command} listed no GPUs`);
    return apps === undefined ? readings : withProcesses(readings, parseComputeAppsCsv(apps));
  }

  close(): void {}

  async #run(args: string[]): Promise<string> {
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(this.command, {
        args,
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(this.#timeoutMs),
      }).output();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new NvidiaSmiNotFoundError(this.command);
      }
      throw new Error(`${this.command} did not answer: ${(error as Error).message}`);
    }
    const stdout = new TextDecoder().decode(output.stdout);
    if (!output.success) {
      const message = (new TextDecoder().decode(output.stderr) + stdout).trim().split("\n")[0];
      throw new Error(`${this.command} exited with ${output.code}: ${message}`);
    }
    return stdout;
  }
}
