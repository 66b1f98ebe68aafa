import type { ContainerListing } from "../engine/engine.ts";
import type { GpuReading } from "./gpu_reading.ts";

/** VRAM per container, from the GPU's process list and each process's cgroup. */
export interface VramAttribution {
  /** False where the platform gives no per-process memory (WSL2, dcgm-exporter). */
  available: boolean;
  /** Bytes held by each container's processes, by container name. */
  byContainer: Record<string, number>;
  /** Bytes held by processes that belong to no known container (host processes). */
  unattributedBytes: number;
}

/**
 * Adds up each container's VRAM. `containerOfPid` maps a GPU process id to the id of the
 * container it runs in (from its cgroup), or `undefined`. Pure.
 */
export function attributeVram(
  gpus: readonly GpuReading[],
  containerOfPid: ReadonlyMap<number, string | undefined>,
  containers: readonly ContainerListing[],
): VramAttribution {
  const processes = gpus.flatMap((gpu) => gpu.processes ?? []);
  const available = gpus.length > 0 && gpus.every((gpu) => gpu.processes !== null) &&
    processes.every((process) => process.usedMemoryBytes !== null);
  const nameOfId = new Map(containers.map((container) => [container.id, container.name]));
  const byContainer: Record<string, number> = {};
  let unattributedBytes = 0;
  if (!available) return { available, byContainer, unattributedBytes };
  for (const process of processes) {
    const id = containerOfPid.get(process.pid);
    const name = id === undefined ? undefined : nameOfId.get(id);
    const bytes = process.usedMemoryBytes ?? 0;
    if (name === undefined) unattributedBytes += bytes;
    else byContainer[name] = (byContainer[name] ?? 0) + bytes;
  }
  return { available, byContainer, unattributedBytes };
}
