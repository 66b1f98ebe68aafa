/** The value below which `fraction` of the samples fall (nearest rank). */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank];
}

/** `median 12.3 ms, p99 45.6 ms (n=40)`. */
export function describeSamples(samples: readonly number[], unit = "ms"): string {
  const format = (value: number) => `${value.toFixed(1)} ${unit}`;
  return `median ${format(percentile(samples, 0.5))}, p99 ${format(percentile(samples, 0.99))}, ` +
    `max ${format(Math.max(...samples))} (n=${samples.length})`;
}

/** A process's resident memory, MB (VmRSS). */
export function residentMb(pid: number): number {
  const line = Deno.readTextFileSync(`/proc/${pid}/status`).split("\n").find((entry) =>
    entry.startsWith("VmRSS:")
  );
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}
