/**
 * NVML's structs as byte layouts (x86-64 and arm64 alike: natural alignment, little-endian),
 * decoded from the buffers NVML fills. Pure.
 * @module
 */

/** `nvmlMemory_v2_t`: u32 version, (4 bytes padding), u64 total, reserved, free, used. */
export const MEMORY_V2_SIZE = 40;
/** The version word NVML expects in `nvmlMemory_v2_t`: its size, and 2 in the top byte. */
export const MEMORY_V2_VERSION = MEMORY_V2_SIZE | (2 << 24);
/** `nvmlMemory_t`: u64 total, free, used (used includes driver-reserved memory). */
export const MEMORY_V1_SIZE = 24;
/** `nvmlUtilization_t`: u32 gpu, u32 memory (percent). */
export const UTILIZATION_SIZE = 8;
/** `nvmlProcessInfo_v2_t` / `_v3_t`: u32 pid, (pad), u64 usedGpuMemory, u32 gi, u32 ci. */
export const PROCESS_INFO_SIZE = 24;
/** `usedGpuMemory` when NVML cannot tell (WSL2/WDDM): `NVML_VALUE_NOT_AVAILABLE`, 2^64-1. */
export const VALUE_NOT_AVAILABLE = 0xffff_ffff_ffff_ffffn;

/** Memory figures in bytes. `used` excludes reserved memory when it came from the v2 struct. */
export interface NvmlMemory {
  total: number;
  free: number;
  used: number;
  reserved: number | null;
}

/** A buffer for `nvmlDeviceGetMemoryInfo_v2`, its version word filled in. */
export function memoryV2Buffer(): Uint8Array {
  const buffer = new Uint8Array(MEMORY_V2_SIZE);
  new DataView(buffer.buffer).setUint32(0, MEMORY_V2_VERSION, true);
  return buffer;
}

/** Decodes `nvmlMemory_v2_t`. */
export function decodeMemoryV2(buffer: Uint8Array): NvmlMemory {
  const view = dataView(buffer);
  return {
    total: u64(view, 8),
    reserved: u64(view, 16),
    free: u64(view, 24),
    used: u64(view, 32),
  };
}

/** Decodes `nvmlMemory_t` (v1). */
export function decodeMemoryV1(buffer: Uint8Array): NvmlMemory {
  const view = dataView(buffer);
  return { total: u64(view, 0), free: u64(view, 8), used: u64(view, 16), reserved: null };
}

/** Decodes `nvmlUtilization_t`. */
export function decodeUtilization(buffer: Uint8Array): { gpu: number; memory: number } {
  const view = dataView(buffer);
  return { gpu: view.getUint32(0, true), memory: view.getUint32(4, true) };
}

/** Decodes `count` process records; memory NVML cannot tell is `null`. */
export function decodeProcesses(
  buffer: Uint8Array,
  count: number,
): { pid: number; usedMemoryBytes: number | null }[] {
  const view = dataView(buffer);
  return Array.from({ length: count }, (_, index) => {
    const offset = index * PROCESS_INFO_SIZE;
    const used = view.getBigUint64(offset + 8, true);
    return {
      pid: view.getUint32(offset, true),
      usedMemoryBytes: used === VALUE_NOT_AVAILABLE ? null : Number(used),
    };
  });
}

/** A NUL-terminated string from a `char[]` buffer. */
export function decodeCString(buffer: Uint8Array): string {
  const end = buffer.indexOf(0);
  return new TextDecoder().decode(end === -1 ? buffer : buffer.subarray(0, end));
}

function dataView(buffer: Uint8Array): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function u64(view: DataView, offset: number): number {
  return Number(view.getBigUint64(offset, true));
}
