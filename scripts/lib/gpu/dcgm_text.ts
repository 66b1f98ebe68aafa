import { type GpuReading, MIB } from "./gpu_reading.ts";

/**
 * Parses a dcgm-exporter scrape (Prometheus text format) into readings, one per `gpu` label:
 * `DCGM_FI_DEV_FB_USED`/`_FREE`/`_RESERVED` (MiB), `DCGM_FI_DEV_GPU_UTIL` and
 * `DCGM_FI_DEV_MEM_COPY_UTIL` (%), `DCGM_FI_DEV_GPU_TEMP` (°C), `DCGM_FI_DEV_POWER_USAGE` (W).
 * dcgm-exporter has no per-process memory, so `processes` is `null`.
 */
export function parseDcgmMetrics(text: string): GpuReading[] {
  const gpus = new Map<
    string,
    { labels: Record<string, string>; values: Record<string, number> }
  >();
  for (const line of text.split("\n")) {
    const sample = parseSampleLine(line);
    if (!sample || !sample.name.startsWith("DCGM_FI_")) continue;
    const gpu = sample.labels.gpu ?? "0";
    const entry = gpus.get(gpu) ?? { labels: sample.labels, values: {} };
    entry.values[sample.name] = sample.value;
    gpus.set(gpu, entry);
  }
  return [...gpus.entries()].map(([gpu, { labels, values }]) => {
    const used = values.DCGM_FI_DEV_FB_USED;
    const free = values.DCGM_FI_DEV_FB_FREE;
    const reserved = values.DCGM_FI_DEV_FB_RESERVED ?? 0;
    return {
      index: Number(gpu),
      name: labels.modelName ?? "",
      uuid: labels.UUID ?? labels.uuid ?? "",
      memoryUsedBytes: used === undefined ? null : used * MIB,
      memoryTotalBytes: used === undefined || free === undefined
        ? null
        : (used + free + reserved) * MIB,
      utilizationPercent: values.DCGM_FI_DEV_GPU_UTIL ?? null,
      memoryUtilizationPercent: values.DCGM_FI_DEV_MEM_COPY_UTIL ?? null,
      temperatureCelsius: values.DCGM_FI_DEV_GPU_TEMP ?? null,
      powerWatts: values.DCGM_FI_DEV_POWER_USAGE ?? null,
      powerLimitWatts: null,
      processes: null,
    };
  }).sort((a, b) => a.index - b.index);
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One `name{label="value",…} number [timestamp]` line; comments and blanks give `undefined`. */
function parseSampleLine(line: string): Sample | undefined {
  const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line.trim());
  if (!match) return undefined;
  const labels: Record<string, string> = {};
  for (
    const [, key, value] of (match[3] ?? "").matchAll(
      /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    )
  ) {
    labels[key] = value.replace(/\\(.)/g, (_, char) => (char === "n" ? "\n" : char));
  }
  const value = Number(match[4]);
  return Number.isFinite(value) ? { name: match[1], labels, value } : undefined;
}
