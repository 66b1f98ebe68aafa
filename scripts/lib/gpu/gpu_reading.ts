/** Where GPU readings come from. */
export type GpuSource = "nvml" | "nvidia-smi" | "dcgm";

/** One process's use of a GPU. */
export interface GpuProcess {
  pid: number;
  /** VRAM it holds, bytes; `null` when the platform does not say (WSL2/WDDM). */
  usedMemoryBytes: number | null;
}

/** One GPU at one moment, as plain data. A field the platform does not give is `null`. */
export interface GpuReading {
  index: number;
  name: string;
  uuid: string;
  memoryTotalBytes: number | null;
  /** Used VRAM without driver-reserved memory, as nvidia-smi shows it. */
  memoryUsedBytes: number | null;
  utilizationPercent: number | null;
  memoryUtilizationPercent: number | null;
  temperatureCelsius: number | null;
  powerWatts: number | null;
  powerLimitWatts: number | null;
  /** Compute processes on this GPU; `null` when the platform gives no per-process list. */
  processes: GpuProcess[] | null;
}

/** The result of one attempt to read the GPUs. */
export type GpuSample =
  | { ok: true; source: GpuSource; time: number; gpus: GpuReading[] }
  | { ok: false; source: GpuSource | "none"; time: number; error: string };

/** Something that reads the GPUs. Readers only read; they never decide or act. */
export interface GpuReader {
  readonly source: GpuSource;
  /** One reading of every GPU. Throws when the GPUs cannot be read. */
  read(): Promise<GpuReading[]>;
  /** Releases what the reader holds (NVML's handle). */
  close(): void;
}

/** VRAM in use as a percentage of the total; `null` when either is unknown. */
export function memoryUsedPercent(gpu: GpuReading): number | null {
  if (gpu.memoryUsedBytes === null || gpu.memoryTotalBytes === null || gpu.memoryTotalBytes <= 0) {
    return null;
  }
  return (gpu.memoryUsedBytes / gpu.memoryTotalBytes) * 100;
}

/** Bytes in a mebibyte, the unit nvidia-smi and dcgm-exporter report memory in. */
export const MIB = 1024 * 1024;
