import type { GpuProcess, GpuReader, GpuReading } from "./gpu_reading.ts";
import {
  NVML_ERROR_INSUFFICIENT_SIZE,
  NVML_ERROR_NOT_SUPPORTED,
  NVML_ERROR_UNKNOWN,
  NVML_SUCCESS,
  NvmlCallError,
  type NvmlLibrary,
  openNvml,
} from "./nvml_library.ts";
import {
  decodeCString,
  decodeMemoryV1,
  decodeMemoryV2,
  decodeProcesses,
  decodeUtilization,
  MEMORY_V1_SIZE,
  memoryV2Buffer,
  PROCESS_INFO_SIZE,
  UTILIZATION_SIZE,
} from "./nvml_structs.ts";

const NVML_TEMPERATURE_GPU = 0;
const TEXT_SIZE = 96;
const INITIAL_PROCESS_SLOTS = 32;

/**
 * Reads GPUs through NVML over Deno's FFI: initialised once, sampled many times, shut down by
 * `close()`. Memory comes from `nvmlDeviceGetMemoryInfo_v2` where the driver has it (used without
 * reserved memory, matching nvidia-smi). A query the platform does not support leaves its field
 * `null`; only a failed memory query fails the reading.
 */
export class NvmlReader implements GpuReader {
  readonly source = "nvml" as const;
  readonly #nvml: NvmlLibrary;
  readonly #devices: { index: number; handle: Deno.PointerValue; name: string; uuid: string }[];
  /** Optional queries that failed with something other than "not supported", once each. */
  readonly warnings = new Set<string>();

  constructor(nvml: NvmlLibrary) {
    this.#nvml = nvml;
    const count = new Uint32Array(1);
    this.#check("nvmlDeviceGetCount_v2", nvml.symbols.nvmlDeviceGetCount_v2(asBytes(count)));
    this.#devices = Array.from({ length: count[0] }, (_, index) => {
      const out = new BigUint64Array(1);
      this.#check(
        "nvmlDeviceGetHandleByIndex_v2",
        nvml.symbols.nvmlDeviceGetHandleByIndex_v2(index, asBytes(out)),
      );
      const handle = Deno.UnsafePointer.create(out[0]);
      return {
        index,
        handle,
        name: this.#text(
          "nvmlDeviceGetName",
          (b) => nvml.symbols.nvmlDeviceGetName(handle, b, TEXT_SIZE),
        ),
        uuid: this.#text(
          "nvmlDeviceGetUUID",
          (b) => nvml.symbols.nvmlDeviceGetUUID(handle, b, TEXT_SIZE),
        ),
      };
    });
  }

  /** Opens NVML from the platform's usual paths (or `paths`). */
  static open(paths?: string[]): NvmlReader {
    const nvml = openNvml(paths);
    try {
      return new NvmlReader(nvml);
    } catch (error) {
      nvml.close();
      throw error;
    }
  }

  /** The library path that was loaded. */
  get path(): string {
    return this.#nvml.path;
  }

  /** The driver's version string. */
  driverVersion(): string {
    return this.#text(
      "nvmlSystemGetDriverVersion",
      (buffer) => this.#nvml.symbols.nvmlSystemGetDriverVersion(buffer, TEXT_SIZE),
    );
  }

  // deno-lint-ignore require-await
  async read(): Promise<GpuReading[]> {
    return this.#devices.map((device) => this.#readDevice(device));
  }

  close(): void {
    this.#nvml.close();
  }

  #readDevice(
    device: { index: number; handle: Deno.PointerValue; name: string; uuid: string },
  ): GpuReading {
    const { symbols } = this.#nvml;
    const memory = this.#memory(device.handle);
    const utilization = new Uint8Array(UTILIZATION_SIZE);
    const rates = this.#optional(
        "nvmlDeviceGetUtilizationRates",
        symbols.nvmlDeviceGetUtilizationRates(device.handle, utilization),
      )
      ? decodeUtilization(utilization)
      : null;
    const temperature = new Uint32Array(1);
    const hasTemperature = this.#optional(
      "nvmlDeviceGetTemperature",
      symbols.nvmlDeviceGetTemperature(device.handle, NVML_TEMPERATURE_GPU, asBytes(temperature)),
    );
    const power = new Uint32Array(1);
    const hasPower = this.#optional(
      "nvmlDeviceGetPowerUsage",
      symbols.nvmlDeviceGetPowerUsage(device.handle, asBytes(power)),
    );
    const limit = new Uint32Array(1);
    const hasLimit = symbols.nvmlDeviceGetEnforcedPowerLimit !== null &&
      this.#optional(
        "nvmlDeviceGetEnforcedPowerLimit",
        symbols.nvmlDeviceGetEnforcedPowerLimit(device.handle, asBytes(limit)),
      );
    return {
      index: device.index,
      name: device.name,
      uuid: device.uuid,
      memoryTotalBytes: memory.total,
      memoryUsedBytes: memory.used,
      utilizationPercent: rates?.gpu ?? null,
      memoryUtilizationPercent: rates?.memory ?? null,
      temperatureCelsius: hasTemperature ? temperature[0] : null,
      powerWatts: hasPower ? power[0] / 1_000 : null,
      powerLimitWatts: hasLimit ? limit[0] / 1_000 : null,
      processes: this.#processes(device.handle),
    };
  }

  #memory(handle: Deno.PointerValue) {
    const { symbols } = this.#nvml;
    if (symbols.nvmlDeviceGetMemoryInfo_v2 !== null) {
      const buffer = memoryV2Buffer();
      const code = symbols.nvmlDeviceGetMemoryInfo_v2(handle, buffer);
      if (code === NVML_SUCCESS) return decodeMemoryV2(buffer);
      if (code !== NVML_ERROR_NOT_SUPPORTED && code !== NVML_ERROR_UNKNOWN) {
        this.#check("nvmlDeviceGetMemoryInfo_v2", code);
      }
    }
    const buffer = new Uint8Array(MEMORY_V1_SIZE);
    this.#check("nvmlDeviceGetMemoryInfo", symbols.nvmlDeviceGetMemoryInfo(handle, buffer));
    return decodeMemoryV1(buffer);
  }

  /** The compute processes, or `null` where NVML cannot list them. */
  #processes(handle: Deno.PointerValue): GpuProcess[] | null {
    const { symbols } = this.#nvml;
    const query = symbols.nvmlDeviceGetComputeRunningProcesses_v3 ??
      symbols.nvmlDeviceGetComputeRunningProcesses_v2;
    if (query === null) return null;
    let slots = INITIAL_PROCESS_SLOTS;
    for (let attempt = 0; attempt < 3; attempt++) {
      const count = new Uint32Array([slots]);
      const buffer = new Uint8Array(slots * PROCESS_INFO_SIZE);
      const code = query(handle, asBytes(count), buffer);
      if (code === NVML_SUCCESS) return decodeProcesses(buffer, count[0]);
      if (code !== NVML_ERROR_INSUFFICIENT_SIZE) {
        this.#optional("nvmlDeviceGetComputeRunningProcesses", code);
        return null;
      }
      slots = count[0] + 8;
    }
    return null;
  }

  /** Whether an optional query worked; a failure other than "not supported" is remembered. */
  #optional(call: string, code: number): boolean {
    if (code === NVML_SUCCESS) return true;
    if (code !== NVML_ERROR_NOT_SUPPORTED) {
      this.warnings.add(`${call}: ${this.#nvml.describe(code)} (NVML error ${code})`);
    }
    return false;
  }

  #check(call: string, code: number): void {
    if (code !== NVML_SUCCESS) throw new NvmlCallError(call, code, this.#nvml.describe(code));
  }

  #text(call: string, query: (buffer: Uint8Array) => number): string {
    const buffer = new Uint8Array(TEXT_SIZE);
    this.#check(call, query(buffer));
    return decodeCString(buffer);
  }
}

function asBytes(array: Uint32Array | BigUint64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
