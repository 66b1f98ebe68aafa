import { parseDcgmMetrics } from "./dcgm_text.ts";
import type { GpuReader, GpuReading } from "./gpu_reading.ts";

/** Reads GPUs by scraping a dcgm-exporter endpoint (no per-process memory). */
export class DcgmReader implements GpuReader {
  readonly source = "dcgm" as const;

  constructor(readonly url: string, readonly timeoutMs = 3_000) {}

  async read(): Promise<GpuReading[]> {
    let response: Response;
    try {
      response = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new Error(`dcgm-exporter at ${this.url} did not answer: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`dcgm-exporter at ${this.url} answered ${response.status}`);
    const gpus = parseDcgmMetrics(text);
    if (gpus.length === 0) {
      throw new Error(`dcgm-exporter at ${this.url} reported no DCGM_FI_ metrics`);
    }
    return gpus;
  }

  close(): void {}
}
