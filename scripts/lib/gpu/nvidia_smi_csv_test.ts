import assert from "node:assert/strict";
import { MIB } from "./gpu_reading.ts";
import { parseComputeAppsCsv, parseQueryGpuCsv, withProcesses } from "./nvidia_smi_csv.ts";

const fixture = (moment: string, file: string) =>
  Deno.readTextFileSync(
    new URL(`../../../tests/fixtures/nvidia/h200-driver580/${moment}/${file}`, import.meta.url),
  );
const H200 = { index: 0, uuid: "GPU-318da158-5148-7bd2-79cf-e1b0379fd5c0", name: "NVIDIA H200" };

Deno.test("H200 under load, noheader/nounits: exact values", () => {
  assert.deepEqual(parseQueryGpuCsv(fixture("load", "smi_query_nounits.csv")), [{
    ...H200,
    memoryUsedBytes: 139_235 * MIB,
    memoryTotalBytes: 143_771 * MIB,
    utilizationPercent: 100,
    memoryUtilizationPercent: 23,
    temperatureCelsius: 60,
    powerWatts: 691.87,
    powerLimitWatts: 700,
    processes: null,
  }]);
});

Deno.test("H200 under load, with header and units: same fields, units dropped", () => {
  const [gpu] = parseQueryGpuCsv(fixture("load", "smi_query.csv"));
  assert.equal(gpu.uuid, H200.uuid);
  assert.equal(gpu.memoryUsedBytes, 139_235 * MIB);
  assert.equal(gpu.utilizationPercent, 100);
  assert.equal(gpu.powerWatts, 692.86);
  assert.equal(gpu.powerLimitWatts, 700);
});

Deno.test("H200 idle and after the process was killed", () => {
  const [idle] = parseQueryGpuCsv(fixture("idle", "smi_query_nounits.csv"));
  assert.deepEqual(
    [idle.memoryUsedBytes, idle.utilizationPercent, idle.temperatureCelsius, idle.powerWatts],
    [0, 0, 35, 79.69],
  );
  const [after] = parseQueryGpuCsv(fixture("after", "smi_query_nounits.csv"));
  assert.deepEqual([after.memoryUsedBytes, after.temperatureCelsius, after.powerWatts], [
    0,
    38,
    119.97,
  ]);
});

Deno.test("compute apps: the loaded python3 process, and none when idle", () => {
  assert.deepEqual(parseComputeAppsCsv(fixture("load", "smi_apps.csv")), [
    { pid: 486, usedMemoryBytes: 139_226 * MIB },
  ]);
  assert.deepEqual(parseComputeAppsCsv(fixture("idle", "smi_apps.csv")), []);
  assert.deepEqual(parseComputeAppsCsv(fixture("after", "smi_apps.csv")), []);
});

Deno.test("[N/A], [Not Supported] and ERR! become null, not 0", () => {
  const [gpu] = parseQueryGpuCsv(
    "0, GPU-abc, NVIDIA GeForce RTX 4060 Laptop GPU, 7168, 8188, [N/A], [Not Supported], ERR!, [N/A], [N/A]\n",
  );
  assert.equal(gpu.memoryUsedBytes, 7_168 * MIB);
  assert.equal(gpu.utilizationPercent, null);
  assert.equal(gpu.memoryUtilizationPercent, null);
  assert.equal(gpu.temperatureCelsius, null);
  assert.equal(gpu.powerWatts, null);
  assert.deepEqual(parseComputeAppsCsv("GPU-abc, 1234, [N/A]\n"), [
    { gpuUuid: "GPU-abc", pid: 1234, usedMemoryBytes: null },
  ]);
});

Deno.test("malformed output is an error that quotes the line", () => {
  assert.throws(
    () => parseQueryGpuCsv("0, GPU-abc, RTX\n"),
    /has 3 fields, expected 10: "0, GPU-abc, RTX"/,
  );
  assert.throws(
    () =>
      parseQueryGpuCsv("NVIDIA-SMI has failed because it couldn't communicate with the driver\n"),
    /fields, expected 10/,
  );
  assert.deepEqual(parseQueryGpuCsv(""), []);
});

Deno.test("processes go to their GPU by uuid; without uuids, to the only GPU", () => {
  const gpus = parseQueryGpuCsv(
    "0, GPU-a, A, 1, 10, 0, 0, 30, 10, 100\n1, GPU-b, B, 2, 10, 0, 0, 30, 10, 100\n",
  );
  const placed = withProcesses(gpus, parseComputeAppsCsv("GPU-b, 77, 512\nGPU-a, 55, 256\n"));
  assert.deepEqual(placed.map((gpu) => gpu.processes), [
    [{ pid: 55, usedMemoryBytes: 256 * MIB }],
    [{ pid: 77, usedMemoryBytes: 512 * MIB }],
  ]);
  const single = withProcesses([gpus[0]], parseComputeAppsCsv(fixture("load", "smi_apps.csv")));
  assert.equal(single[0].processes?.[0].pid, 486);
});
