import { type GpuProcess, type GpuReading, MIB } from "./gpu_reading.ts";

/** The fields breakwater asks `nvidia-smi --query-gpu` for, in this order. */
export const QUERY_GPU_FIELDS = [
  "index",
  "uuid",
  "name",
  "memory.used",
  "memory.total",
  "utilization.gpu",
  "utilization.memory",
  "temperature.gpu",
  "power.draw",
  "power.limit",
] as const;

/** The fields breakwater asks `nvidia-smi --query-compute-apps` for, in this order. */
export const QUERY_APPS_FIELDS = ["gpu_uuid", "pid", "used_memory"] as const;

/** Values nvidia-smi prints where it has no number. */
const NO_VALUE =
  /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU is lost)\]?$|^ERR!$/i;

/**
 * Parses `nvidia-smi --query-gpu=<QUERY_GPU_FIELDS> --format=csv[,noheader][,nounits]`. A header,
 * when present, decides the column order; units (`MiB`, `%`, `W`) are dropped; `[N/A]`,
 * `[Not Supported]` and `ERR!` become `null`.
 * @throws {Error} when a line has no usable index or is cut short.
 */
export function parseQueryGpuCsv(text: string): GpuReading[] {
  const { rows } = readCsv(text, QUERY_GPU_FIELDS);
  return rows.map((row, line) => {
    const index = toNumber(row.index);
    if (index === null || row.uuid === undefined) {
      throw new Error(
        `nvidia-smi --query-gpu line ${line + 1} is not a GPU row: ${JSON.stringify(row)}`,
      );
    }
    return {
      index,
      uuid: row.uuid,
      name: row.name ?? "",
      memoryUsedBytes: mib(row["memory.used"]),
      memoryTotalBytes: mib(row["memory.total"]),
      utilizationPercent: toNumber(row["utilization.gpu"]),
      memoryUtilizationPercent: toNumber(row["utilization.memory"]),
      temperatureCelsius: toNumber(row["temperature.gpu"]),
      powerWatts: toNumber(row["power.draw"]),
      powerLimitWatts: toNumber(row["power.limit"]),
      processes: null,
    };
  });
}

/** A compute process and the GPU it runs on. */
export interface ComputeApp extends GpuProcess {
  /** `undefined` when the query did not include `gpu_uuid` (single-GPU captures). */
  gpuUuid?: string;
}

/**
 * Parses `nvidia-smi --query-compute-apps=...` CSV, with or without header and units. A used
 * memory of `[N/A]` (WSL2/WDDM) is `null`, not 0.
 */
export function parseComputeAppsCsv(text: string): ComputeApp[] {
  const { rows } = readCsv(text, QUERY_APPS_FIELDS);
  return rows.flatMap((row) => {
    const pid = toNumber(row.pid);
    if (pid === null) return [];
    const memory = row.used_memory ?? row.used_gpu_memory;
    return [{
      pid,
      usedMemoryBytes: mib(memory),
      ...(row.gpu_uuid ? { gpuUuid: row.gpu_uuid } : {}),
    }];
  });
}

/** Puts each compute app under its GPU (by uuid; the only GPU when the query had no uuid). */
export function withProcesses(gpus: GpuReading[], apps: ComputeApp[]): GpuReading[] {
  return gpus.map((gpu) => ({
    ...gpu,
    processes: apps
      .filter((app) => app.gpuUuid === undefined ? gpus.length === 1 : app.gpuUuid === gpu.uuid)
      .map(({ pid, usedMemoryBytes }) => ({ pid, usedMemoryBytes })),
  }));
}

function readCsv(
  text: string,
  fields: readonly string[],
): { rows: Record<string, string>[] } {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (lines.length === 0) return { rows: [] };
  const hasHeader = /^[a-z_.]+(\s*\[[^\]]*\])?\s*(,|$)/i.test(lines[0]) && !/^\d/.test(lines[0]);
  const columns = hasHeader
    ? lines[0].split(",").map((name) => name.trim().replace(/\s*\[.*\]$/, ""))
    : [...fields];
  const body = hasHeader ? lines.slice(1) : lines;
  return {
    rows: body.map((line) => {
      const cells = line.split(",").map((cell) => cell.trim());
      if (cells.length < columns.length) {
        throw new Error(
          `nvidia-smi line has ${cells.length} fields, expected ${columns.length}: "${line}"`,
        );
      }
      return Object.fromEntries(columns.map((column, index) => [column, cells[index]]));
    }),
  };
}

function toNumber(cell: string | undefined): number | null {
  if (cell === undefined) return null;
  const value = cell.replace(/\s*(MiB|%|W|C)$/i, "").trim();
  if (value === "" || NO_VALUE.test(value)) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

function mib(cell: string | undefined): number | null {
  const value = toNumber(cell);
  return value === null ? null : value * MIB;
}
