import type { ContainerListing } from "../engine/engine.ts";
import { attributeVram, type VramAttribution } from "./attribution.ts";
import type { GpuReader, GpuSample } from "./gpu_reading.ts";
import type { OllamaClient, OllamaModel } from "../ollama/ollama_client.ts";
import { containersOfPids } from "./process_containers.ts";

/** One reading of everything GPU pressure is decided from. */
export interface GpuObservation {
  sample: GpuSample;
  containers: ContainerListing[];
  /** `null` when the GPU reading failed. */
  attribution: VramAttribution | null;
  /** `null` without an Ollama client, or when Ollama did not answer. */
  ollamaModels: OllamaModel[] | null;
}

/** What {@linkcode observeGpu} reads from. */
export interface ObserveGpuOptions {
  reader: GpuReader;
  /** The containers as the engine lists them (`engine.list`, or a directory kept by events). */
  listContainers: () => Promise<ContainerListing[]>;
  ollama: Pick<OllamaClient, "loadedModels"> | null;
  now?: () => number;
}

/**
 * Reads the GPUs, the containers, the VRAM each container's processes hold and Ollama's loaded
 * models, at once. A failed GPU read is data (`sample.ok` false); only an unreachable engine throws.
 */
export async function observeGpu(options: ObserveGpuOptions): Promise<GpuObservation> {
  const { reader, listContainers, ollama } = options;
  const now = options.now ?? Date.now;
  const [sample, containers, ollamaModels] = await Promise.all([
    reader.read().then(
      (gpus): GpuSample => ({ ok: true, source: reader.source, time: now(), gpus }),
      (error): GpuSample => ({
        ok: false,
        source: reader.source,
        time: now(),
        error: (error as Error).message,
      }),
    ),
    listContainers(),
    ollama ? ollama.loadedModels().catch(() => null) : Promise.resolve(null),
  ]);
  let attribution: VramAttribution | null = null;
  if (sample.ok) {
    const pids = sample.gpus.flatMap((gpu) => gpu.processes ?? []).map((process) => process.pid);
    attribution = attributeVram(sample.gpus, await containersOfPids(pids), containers);
  }
  return { sample, containers, attribution, ollamaModels };
}
