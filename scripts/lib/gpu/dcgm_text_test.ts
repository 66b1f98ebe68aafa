import assert from "node:assert/strict";
import { MIB } from "./gpu_reading.ts";
import { parseDcgmMetrics } from "./dcgm_text.ts";

// Written from dcgm-exporter's documented default counters (default-counters.csv), two GPUs.
const SCRAPE = `# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-aaa",device="nvidia0",modelName="NVIDIA GeForce RTX 4060",Hostname="pc"} 97
DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-bbb",device="nvidia1",modelName="NVIDIA H200",Hostname="pc"} 3
# HELP DCGM_FI_DEV_FB_FREE Framebuffer memory free (in MiB).
# TYPE DCGM_FI_DEV_FB_FREE gauge
DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-aaa",device="nvidia0",modelName="NVIDIA GeForce RTX 4060",Hostname="pc"} 212
DCGM_FI_DEV_FB_FREE{gpu="1",UUID="GPU-bbb",device="nvidia1",modelName="NVIDIA H200",Hostname="pc"} 143156
# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
# TYPE DCGM_FI_DEV_FB_USED gauge
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-aaa",device="nvidia0",modelName="NVIDIA GeForce RTX 4060",Hostname="pc"} 7780
DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-bbb",device="nvidia1",modelName="NVIDIA H200",Hostname="pc"} 0
DCGM_FI_DEV_FB_RESERVED{gpu="1",UUID="GPU-bbb",device="nvidia1",modelName="NVIDIA H200",Hostname="pc"} 615
# TYPE DCGM_FI_DEV_GPU_TEMP gauge
DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-aaa",device="nvidia0",modelName="NVIDIA GeForce RTX 4060",Hostname="pc"} 71
# TYPE DCGM_FI_DEV_POWER_USAGE gauge
DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-aaa",device="nvidia0",modelName="NVIDIA GeForce RTX 4060",Hostname="pc"} 104.25
DCGM_FI_DEV_MEM_COPY_UTIL{gpu="0",UUID="GPU-aaa",device="nvidia0",modelName="NVIDIA GeForce RTX 4060",Hostname="pc"} 41
go_goroutines 12
`;

Deno.test("dcgm-exporter scrape: one reading per gpu label with exact values", () => {
  const [rtx, h200] = parseDcgmMetrics(SCRAPE);
  assert.deepEqual(rtx, {
    index: 0,
    name: "NVIDIA GeForce RTX 4060",
    uuid: "GPU-aaa",
    memoryUsedBytes: 7_780 * MIB,
    memoryTotalBytes: 7_992 * MIB,
    utilizationPercent: 97,
    memoryUtilizationPercent: 41,
    temperatureCelsius: 71,
    powerWatts: 104.25,
    powerLimitWatts: null,
    processes: null,
  });
  assert.equal(h200.memoryTotalBytes, (143_156 + 615) * MIB, "reserved memory counts in the total");
  assert.equal(h200.memoryUsedBytes, 0);
  assert.equal(h200.temperatureCelsius, null);
});

Deno.test("a scrape without DCGM metrics has no GPUs; missing memory is null", () => {
  assert.deepEqual(parseDcgmMetrics("go_goroutines 12\n# nothing\n"), []);
  const [gpu] = parseDcgmMetrics('DCGM_FI_DEV_GPU_UTIL{gpu="0"} 5\n');
  assert.equal(gpu.memoryUsedBytes, null);
  assert.equal(gpu.memoryTotalBytes, null);
});
