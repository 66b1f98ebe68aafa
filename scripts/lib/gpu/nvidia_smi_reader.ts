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
  now?: () => number;
}

/** However steady the VRAM figures, the process list is read again after this long. */
const PROCESS_LIST_MAX_AGE_MS = 10_000;

/** The last process list read, and the VRAM figures it was read beside. */
interface ProcessList {
  csv: string;
  memoryUsed: (number | null)[];
  at: number;
}

/**
 * Reads GPUs by running `nvidia-smi --query-gpu` (about 26 ms) and `--query-compute-apps`. The
 * process list is read again only when a GPU's VRAM in use moved or it is 10 s old: processes
 * that come, go or grow move the figure, and each read is one process spawned less. The process
 * list is `null` when `perProcess` is off or its query fails, so "no processes" is never confused
 * with "cannot tell".
 */
export class NvidiaSmiReader implements GpuReader {
  readonly source = "nvidia-smi" as const;
  readonly command: string;
  readonly #timeoutMs: number;
  readonly #perProcess: boolean;
  readonly #now: () => number;
  #processes: ProcessList | null = null;

  constructor(options: NvidiaSmiOptions = {}) {
    this.command = options.command ?? "nvidia-smi";
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#perProcess = options.perProcess ?? true;
    this.#now = options.now ?? Date.now;
  }

  async read(): Promise<GpuReading[]> {
    const readings = parseQueryGpuCsv(
      await this.#run([
        `--query-gpu=${QUERY_GPU_FIELDS.join(",")}`,
        "--format=csv,noheader,nounits",
      ]),
    );
    if (readings.length === 0) throw new Error(`${this.command} listed no GPUs`);
    const apps = this.#perProcess ? await this.#processList(readings) : undefined;
    return apps === undefined ? readings : withProcesses(readings, parseComputeAppsCsv(apps));
  }

  async #processList(readings: GpuReading[]): Promise<string | undefined> {
    const memoryUsed = readings.map((reading) => reading.memoryUsedBytes);
    const last = this.#processes;
    const now = this.#now();
    const fresh = last !== null && now - last.at < PROCESS_LIST_MAX_AGE_MS &&
      last.memoryUsed.length === memoryUsed.length &&
      last.memoryUsed.every((bytes, index) => bytes !== null && bytes === memoryUsed[index]);
    if (fresh) return last.csv;
    this.#processes = null;
    const csv = await this.#run([
      `--query-compute-apps=${QUERY_APPS_FIELDS.join(",")}`,
      "--format=csv,noheader,nounits",
    ]).catch(() => undefined);
    if (csv !== undefined) this.#processes = { csv, memoryUsed, at: now };
    return csv;
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
