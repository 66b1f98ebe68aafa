import { join } from "node:path";

const STAND_IN_DIR = new URL("./fake_nvidia_smi", import.meta.url).pathname;

/** The replayed GPU moments, from the real H200 captures, and a failing read. */
export type GpuMoment = "idle" | "load" | "after" | "fail";

/** Drives the nvidia-smi stand-in: what it reports, and how often it was asked. */
export class FakeGpu {
  private constructor(readonly dir: string) {}

  /** A fresh stand-in state, starting idle. */
  static async create(): Promise<FakeGpu> {
    const gpu = new FakeGpu(await Deno.makeTempDir({ prefix: "fake-gpu-" }));
    await gpu.set("idle");
    return gpu;
  }

  /** Environment for a process that should find the stand-in as `nvidia-smi` on its PATH. */
  get env(): Record<string, string> {
    return { PATH: `${STAND_IN_DIR}:${Deno.env.get("PATH")}`, FAKE_SMI_DIR: this.dir };
  }

  /** What the stand-in reports from now on. */
  set(moment: GpuMoment): Promise<void> {
    return Deno.writeTextFile(join(this.dir, "moment"), moment);
  }

  /** How many `--query-gpu` readings were taken so far. */
  readings(): Promise<number> {
    return this.#calls("--query-gpu=");
  }

  /** How many times the process list (`--query-compute-apps`) was read so far. */
  processListReads(): Promise<number> {
    return this.#calls("--query-compute-apps=");
  }

  async #calls(query: string): Promise<number> {
    const calls = await Deno.readTextFile(join(this.dir, "calls")).catch(() => "");
    return calls.split("\n").filter((line) => line.includes(query)).length;
  }

  remove(): Promise<void> {
    return Deno.remove(this.dir, { recursive: true });
  }
}
