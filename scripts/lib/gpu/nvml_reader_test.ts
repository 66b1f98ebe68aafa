import assert from "node:assert/strict";
import { buildFakeNvml } from "../../../tests/support/fake_nvml.ts";
import { NvmlCallError, nvmlLibraryPaths, NvmlUnavailableError, openNvml } from "./nvml_library.ts";
import { NvmlReader } from "./nvml_reader.ts";
import {
  decodeCString,
  decodeMemoryV1,
  decodeMemoryV2,
  decodeProcesses,
  decodeUtilization,
  MEMORY_V2_VERSION,
  memoryV2Buffer,
} from "./nvml_structs.ts";

const fixture = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../../tests/fixtures/nvidia/h200-driver580/load/nvml.json", import.meta.url),
  ),
);
const loadSample = fixture.devices[0].sample;

/** Lays values out as little-endian u32/u64 at the given offsets, as NVML writes them. */
function layout(
  size: number,
  fields: [offset: number, kind: "u32" | "u64", value: number | bigint][],
) {
  const buffer = new Uint8Array(size);
  const view = new DataView(buffer.buffer);
  for (const [offset, kind, value] of fields) {
    if (kind === "u32") view.setUint32(offset, Number(value), true);
    else view.setBigUint64(offset, BigInt(value), true);
  }
  return buffer;
}

Deno.test("nvmlMemory_v2_t: version word, then total, reserved, free, used at 8/16/24/32", () => {
  assert.equal(MEMORY_V2_VERSION, 0x0200_0028);
  assert.equal(new DataView(memoryV2Buffer().buffer).getUint32(0, true), 0x0200_0028);
  const buffer = layout(40, [
    [0, "u32", MEMORY_V2_VERSION],
    [8, "u64", loadSample.memory.total],
    [16, "u64", 644_743_168],
    [24, "u64", loadSample.memory.free],
    [32, "u64", 145_998_479_360],
  ]);
  assert.deepEqual(decodeMemoryV2(buffer), {
    total: 150_754_820_096,
    reserved: 644_743_168,
    free: 4_111_597_568,
    used: 145_998_479_360,
  });
});

Deno.test("nvmlMemory_t (v1): total, free, used; used includes reserved memory", () => {
  const { total, free, used } = loadSample.memory;
  const buffer = layout(24, [[0, "u64", total], [8, "u64", free], [16, "u64", used]]);
  assert.deepEqual(decodeMemoryV1(buffer), { total, free, used, reserved: null });
});

Deno.test("nvmlUtilization_t and C strings", () => {
  assert.deepEqual(decodeUtilization(layout(8, [[0, "u32", 100], [4, "u32", 23]])), {
    gpu: 100,
    memory: 23,
  });
  assert.equal(decodeCString(new TextEncoder().encode("NVIDIA H200\0garbage")), "NVIDIA H200");
});

Deno.test("process records: 24 bytes each; 2^64-1 memory is null (WSL2), not 0", () => {
  const buffer = layout(48, [
    [0, "u32", 486],
    [8, "u64", loadSample.processes[0].usedGpuMemory],
    [16, "u32", 0xffffffff],
    [20, "u32", 0xffffffff],
    [24, "u32", 901],
    [32, "u64", 0xffff_ffff_ffff_ffffn],
  ]);
  assert.deepEqual(decodeProcesses(buffer, 2), [
    { pid: 486, usedMemoryBytes: 145_989_042_176 },
    { pid: 901, usedMemoryBytes: null },
  ]);
});

Deno.test("library not found: every path tried is named, with what to do", () => {
  assert.throws(
    () => openNvml(["/nonexistent/libnvidia-ml.so.1", "/also/missing.so"]),
    (error: Error) =>
      error instanceof NvmlUnavailableError &&
      /NVML not found: tried \/nonexistent\/libnvidia-ml\.so\.1 \(.+\); \/also\/missing\.so \(.+\)\./
        .test(
          error.message,
        ) &&
      /--source nvidia-smi/.test(error.message),
  );
  assert.deepEqual(nvmlLibraryPaths("linux").slice(0, 2), [
    "libnvidia-ml.so.1",
    "/usr/lib/wsl/lib/libnvidia-ml.so.1",
  ]);
  assert.equal(nvmlLibraryPaths("windows")[0], "nvml.dll");
});

const withMode = async (mode: string, body: (path: string) => void | Promise<void>) => {
  const path = await buildFakeNvml();
  Deno.env.set("FAKE_NVML_MODE", mode);
  try {
    await body(path);
  } finally {
    Deno.env.delete("FAKE_NVML_MODE");
    await Deno.remove(path.replace(/\/[^/]+$/, ""), { recursive: true });
  }
};

Deno.test("init failure: NVML's own reason, the path, and what to check", async () => {
  await withMode("init-fail", (path) => {
    assert.throws(
      () => NvmlReader.open([path]),
      (error: Error) =>
        error instanceof NvmlUnavailableError &&
        error.message.includes(
          `NVML at ${path} loaded but nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)`,
        ),
    );
  });
});

Deno.test("through FFI: the H200 load sample, memory from the v2 query (matches nvidia-smi)", async () => {
  await withMode("load", async (path) => {
    const reader = NvmlReader.open([path]);
    try {
      assert.equal(reader.driverVersion(), "580.159.04");
      assert.deepEqual(await reader.read(), [{
        index: 0,
        name: "NVIDIA H200",
        uuid: "GPU-318da158-5148-7bd2-79cf-e1b0379fd5c0",
        memoryTotalBytes: 150_754_820_096,
        memoryUsedBytes: 139_235 * 1024 * 1024,
        utilizationPercent: 100,
        memoryUtilizationPercent: 23,
        temperatureCelsius: 60,
        powerWatts: 691.746,
        powerLimitWatts: 700,
        processes: [{ pid: 486, usedMemoryBytes: 145_989_042_176 }],
      }]);
      assert.deepEqual([...reader.warnings], []);
    } finally {
      reader.close();
    }
  });
});

Deno.test("through FFI, WSL2-like: v1 memory, unsupported fields null, process memory null", async () => {
  await withMode("wsl", async (path) => {
    const reader = NvmlReader.open([path]);
    try {
      const [gpu] = await reader.read();
      assert.equal(gpu.memoryUsedBytes, 146_643_222_528, "v1 used, reserved included");
      assert.equal(gpu.temperatureCelsius, null);
      assert.equal(gpu.powerWatts, null);
      assert.deepEqual(gpu.processes, [
        { pid: 486, usedMemoryBytes: null },
        { pid: 901, usedMemoryBytes: null },
      ]);
      assert.deepEqual([...reader.warnings], [
        "nvmlDeviceGetPowerUsage: Unknown Error (NVML error 999)",
      ]);
    } finally {
      reader.close();
    }
  });
});

Deno.test("through FFI: a failed memory query fails the reading with NVML's message", async () => {
  await withMode("memory-fail", async (path) => {
    const reader = NvmlReader.open([path]);
    try {
      await assert.rejects(
        () => reader.read(),
        (error: Error) =>
          error instanceof NvmlCallError &&
          error.message === "nvmlDeviceGetMemoryInfo_v2 failed: GPU is lost (NVML error 15)",
      );
    } finally {
      reader.close();
    }
  });
});
