/** NVML return codes breakwater treats specially. */
export const NVML_SUCCESS = 0;
/** The query is not available on this GPU or platform. */
export const NVML_ERROR_NOT_SUPPORTED = 3;
/** The buffer was too small; the count says how many records there are. */
export const NVML_ERROR_INSUFFICIENT_SIZE = 7;
/** Seen under WSL2 for queries that the WDDM driver does not answer. */
export const NVML_ERROR_UNKNOWN = 999;

/** Where NVML is found on each platform, tried in order. */
export function nvmlLibraryPaths(os: typeof Deno.build.os = Deno.build.os): string[] {
  if (os === "windows") return ["nvml.dll", "C:\\Windows\\System32\\nvml.dll"];
  return ["libnvidia-ml.so.1", "/usr/lib/wsl/lib/libnvidia-ml.so.1", "libnvidia-ml.so"];
}

const SYMBOLS = {
  nvmlInit_v2: { parameters: [], result: "i32" },
  nvmlShutdown: { parameters: [], result: "i32" },
  nvmlErrorString: { parameters: ["i32"], result: "pointer" },
  nvmlSystemGetDriverVersion: { parameters: ["buffer", "u32"], result: "i32" },
  nvmlDeviceGetCount_v2: { parameters: ["buffer"], result: "i32" },
  nvmlDeviceGetHandleByIndex_v2: { parameters: ["u32", "buffer"], result: "i32" },
  nvmlDeviceGetName: { parameters: ["pointer", "buffer", "u32"], result: "i32" },
  nvmlDeviceGetUUID: { parameters: ["pointer", "buffer", "u32"], result: "i32" },
  nvmlDeviceGetMemoryInfo: { parameters: ["pointer", "buffer"], result: "i32" },
  nvmlDeviceGetMemoryInfo_v2: { parameters: ["pointer", "buffer"], result: "i32", optional: true },
  nvmlDeviceGetUtilizationRates: { parameters: ["pointer", "buffer"], result: "i32" },
  nvmlDeviceGetTemperature: { parameters: ["pointer", "u32", "buffer"], result: "i32" },
  nvmlDeviceGetPowerUsage: { parameters: ["pointer", "buffer"], result: "i32" },
  nvmlDeviceGetEnforcedPowerLimit: {
    parameters: ["pointer", "buffer"],
    result: "i32",
    optional: true,
  },
  nvmlDeviceGetComputeRunningProcesses_v3: {
    parameters: ["pointer", "buffer", "buffer"],
    result: "i32",
    optional: true,
  },
  nvmlDeviceGetComputeRunningProcesses_v2: {
    parameters: ["pointer", "buffer", "buffer"],
    result: "i32",
    optional: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** NVML's functions, bound through Deno's FFI. */
export type NvmlSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** NVML could not be loaded or started; the message says what was tried and what to do. */
export class NvmlUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NvmlUnavailableError";
  }
}

/** An NVML call failed; `code` is NVML's return code. */
export class NvmlCallError extends Error {
  constructor(readonly call: string, readonly code: number, description: string) {
    super(`${call} failed: ${description} (NVML error ${code})`);
    this.name = "NvmlCallError";
  }
}

/** A loaded, initialised NVML. */
export interface NvmlLibrary {
  path: string;
  symbols: NvmlSymbols;
  /** NVML's own text for a return code. */
  describe(code: number): string;
  /** Shuts NVML down and unloads the library. */
  close(): void;
}

/**
 * Loads NVML from the first path that opens and initialises it once.
 * @throws {NvmlUnavailableError} naming every path tried, or NVML's reason init failed.
 */
export function openNvml(paths: string[] = nvmlLibraryPaths()): NvmlLibrary {
  const failures: string[] = [];
  for (const path of paths) {
    let library: Deno.DynamicLibrary<typeof SYMBOLS>;
    try {
      library = Deno.dlopen(path, SYMBOLS);
    } catch (error) {
      failures.push(`${path} (${(error as Error).message.split("\n")[0].split(": ").at(-1)})`);
      continue;
    }
    const describe = (code: number) => {
      const text = library.symbols.nvmlErrorString(code);
      return text === null ? `code ${code}` : Deno.UnsafePointerView.getCString(text);
    };
    const code = library.symbols.nvmlInit_v2();
    if (code !== NVML_SUCCESS) {
      const reason = describe(code);
      library.close();
      throw new NvmlUnavailableError(
        `NVML at ${path} loaded but nvmlInit_v2 failed: ${reason} (NVML error ${code}). ` +
          "Check that the NVIDIA driver is installed and loaded (nvidia-smi should answer).",
      );
    }
    return {
      path,
      symbols: library.symbols,
      describe,
      close() {
        library.symbols.nvmlShutdown();
        library.close();
      },
    };
  }
  throw new NvmlUnavailableError(
    `NVML not found: tried ${failures.join("; ")}. Install the NVIDIA driver (under WSL2, the ` +
      "Windows driver provides /usr/lib/wsl/lib/libnvidia-ml.so.1), or use --source nvidia-smi.",
  );
}
