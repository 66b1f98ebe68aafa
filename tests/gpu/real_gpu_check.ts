/**
 * The real-GPU check: runs every GPU reader available on this machine, prints their readings side
 * by side, checks that they agree (VRAM used within 1 % of the total between NVML and nvidia-smi,
 * the same processes), and prints what one sample costs with each. Exit 0 when every check
 * passes, 1 when one fails, 2 when no reader works here.
 *
 *   deno run --allow-all tests/gpu/real_gpu_check.ts [--samples N]
 * @module
 */
import { parseArgs } from "node:util";
import { type GpuReading, MIB } from "../../scripts/lib/gpu/gpu_reading.ts";
import { NvidiaSmiReader } from "../../scripts/lib/gpu/nvidia_smi_reader.ts";
import { NvmlReader } from "../../scripts/lib/gpu/nvml_reader.ts";
import { isWsl } from "../../scripts/lib/gpu/platform.ts";
import { containersOfPids } from "../../scripts/lib/gpu/process_containers.ts";

const { values } = parseArgs({ options: { samples: { type: "string", default: "2000" } } });
const samples = Number(values.samples);
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

console.log(
  `breakwater real GPU check — ${
    new Date().toISOString()
  }, Deno ${Deno.version.deno}, WSL2: ${isWsl()}`,
);

let nvml: NvmlReader | undefined;
const initStart = performance.now();
try {
  nvml = NvmlReader.open();
  console.log(
    `NVML: ${nvml.path}, driver ${nvml.driverVersion()}, init ${
      (performance.now() - initStart).toFixed(1)
    } ms`,
  );
} catch (error) {
  console.log(`NVML: unavailable — ${(error as Error).message}`);
}
const smi = new NvidiaSmiReader({ perProcess: !isWsl() });

const [nvmlGpus, smiGpus] = await Promise.all([
  nvml?.read(),
  smi.read().catch((error) => {
    console.log(`nvidia-smi: unavailable — ${(error as Error).message}`);
    return undefined;
  }),
]);
if (!nvmlGpus && !smiGpus) {
  console.log("no GPU reader works on this machine");
  Deno.exit(2);
}

const mib = (bytes: number | null) => bytes === null ? "-" : (bytes / MIB).toFixed(0);
const rows: [string, (gpu: GpuReading) => string][] = [
  ["name", (gpu) => gpu.name],
  ["uuid", (gpu) => gpu.uuid],
  ["memory used (MiB)", (gpu) => mib(gpu.memoryUsedBytes)],
  ["memory total (MiB)", (gpu) => mib(gpu.memoryTotalBytes)],
  ["utilization (%)", (gpu) => String(gpu.utilizationPercent ?? "-")],
  ["memory utilization (%)", (gpu) => String(gpu.memoryUtilizationPercent ?? "-")],
  ["temperature (°C)", (gpu) => String(gpu.temperatureCelsius ?? "-")],
  ["power (W)", (gpu) => gpu.powerWatts?.toFixed(1) ?? "-"],
  ["power limit (W)", (gpu) => gpu.powerLimitWatts?.toFixed(0) ?? "-"],
  [
    "processes (pid: MiB)",
    (gpu) => gpu.processes?.map((p) => `${p.pid}: ${mib(p.usedMemoryBytes)}`).join(", ") || "none",
  ],
];
const count = Math.max(nvmlGpus?.length ?? 0, smiGpus?.length ?? 0);
for (let index = 0; index < count; index++) {
  console.log(`\nGPU ${index}`);
  console.log(`  ${"".padEnd(24)}${"NVML".padEnd(48)}nvidia-smi`);
  for (const [label, show] of rows) {
    const left = nvmlGpus?.[index] ? show(nvmlGpus[index]) : "-";
    const right = smiGpus?.[index] ? show(smiGpus[index]) : "-";
    console.log(`  ${label.padEnd(24)}${left.padEnd(48)}${right}`);
  }
}

if (nvmlGpus && smiGpus) {
  console.log("\nagreement");
  nvmlGpus.forEach((a, index) => {
    const b = smiGpus[index];
    check(a.uuid === b?.uuid, `GPU ${index}: same uuid`);
    const total = a.memoryTotalBytes ?? 1;
    const usedGap = Math.abs((a.memoryUsedBytes ?? 0) - (b?.memoryUsedBytes ?? 0)) / total * 100;
    check(usedGap <= 1, `GPU ${index}: VRAM used within 1 % of total (${usedGap.toFixed(3)} %)`);
    const totalGap = Math.abs(total - (b?.memoryTotalBytes ?? 0)) / total * 100;
    check(totalGap <= 1, `GPU ${index}: VRAM total within 1 % (${totalGap.toFixed(3)} %)`);
    const pidsA = (a.processes ?? []).map((p) => p.pid).sort();
    const pidsB = (b?.processes ?? []).map((p) => p.pid).sort();
    check(
      JSON.stringify(pidsA) === JSON.stringify(pidsB),
      `GPU ${index}: same processes (${pidsA.join(", ") || "none"})`,
    );
  });
}

const pids = (nvmlGpus ?? smiGpus ?? []).flatMap((gpu) => gpu.processes ?? []).map((p) => p.pid);
if (pids.length > 0) {
  const owners = await containersOfPids(pids);
  console.log("\nattribution (/proc/<pid>/cgroup)");
  for (const [pid, id] of owners) {
    console.log(`  pid ${pid}: ${id ? `container ${id.slice(0, 12)}` : "not in a container"}`);
  }
}

console.log("\ncost of one sample");
if (nvml) {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await nvml.read();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `  NVML (every GPU, all fields + processes): median ${us(median)}, p99 ${
      us(times[Math.floor(times.length * 0.99)])
    } over ${samples} samples`,
  );
  check(median <= 0.05, `one NVML sample ≤ 50 µs (median ${us(median)})`);
}
if (smiGpus) {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await smi.read();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `  nvidia-smi (query-gpu + query-compute-apps, two processes): median ${
      times[10].toFixed(1)
    } ms over 20 samples`,
  );
}
nvml?.close();

console.log(failures.length === 0 ? "\nall checks passed" : `\n${failures.length} check(s) failed`);
Deno.exit(failures.length === 0 ? 0 : 1);
