import type { GpuConfig } from "../config/schema.ts";
import { DcgmReader } from "./dcgm_reader.ts";
import type { GpuReader } from "./gpu_reading.ts";
import { NvidiaSmiNotFoundError, NvidiaSmiReader } from "./nvidia_smi_reader.ts";
import { NvmlReader } from "./nvml_reader.ts";
import { isWsl } from "./platform.ts";

/** Which reader to use; `auto` tries NVML, then nvidia-smi. */
export type GpuSourceChoice = "auto" | "nvml" | "nvidia-smi" | "dcgm" | "none";

/** What is needed to build any reader. */
export interface ReaderSettings {
  source: GpuSourceChoice;
  nvidiaSmi: string;
  dcgmUrl: string;
  /** NVML library paths to try; the platform's usual ones when absent. */
  nvmlPaths?: string[];
  /** Whether this is WSL2 (no per-process memory); detected when absent. */
  wsl?: boolean;
}

/** The reader settings the config's gpu section gives, `--source` overriding `gpu.source`. */
export function readerSettingsFor(gpu: GpuConfig, source?: GpuSourceChoice): ReaderSettings {
  return { source: source ?? gpu.source, nvidiaSmi: gpu.nvidiaSmi, dcgmUrl: gpu.dcgmUrl };
}

/** The chosen reader, or none, and why — to be told to the user once. */
export interface ReaderChoice {
  reader: GpuReader | null;
  reason: string;
  /** False where the platform gives no per-process memory, so attribution falls back to labels. */
  perProcess: boolean;
}

/**
 * Builds the reader the settings ask for. `auto` picks NVML, then nvidia-smi (checked with one
 * real sample), then none, and says which it picked and why.
 */
export async function selectGpuReader(settings: ReaderSettings): Promise<ReaderChoice> {
  const wsl = settings.wsl ?? isWsl();
  const perProcess = !wsl;
  const wslNote = wsl ? "; WSL2: no per-process GPU memory, attribution falls back to labels" : "";
  const nvml = (): ReaderChoice => {
    const reader = NvmlReader.open(settings.nvmlPaths);
    return {
      reader,
      reason: `NVML at ${reader.path} (driver ${reader.driverVersion()})${wslNote}`,
      perProcess,
    };
  };
  /** Rules nvidia-smi out only when it is missing: a failing first reading is an unknown reading. */
  const smi = async (): Promise<ReaderChoice> => {
    const reader = new NvidiaSmiReader({ command: settings.nvidiaSmi, perProcess });
    const firstFailure = await reader.read().then(() => undefined, (error: Error) => error);
    if (firstFailure instanceof NvidiaSmiNotFoundError) throw firstFailure;
    const note = firstFailure ? ` (its first reading failed: ${firstFailure.message})` : "";
    return { reader, reason: `${settings.nvidiaSmi}${note}${wslNote}`, perProcess };
  };
  /** A source asked for by name that is not there: no reader, and why (never a crash). */
  const unavailable = (error: unknown): ReaderChoice => ({
    reader: null,
    reason: `gpu source ${settings.source} unavailable: ${(error as Error).message}`,
    perProcess: false,
  });
  switch (settings.source) {
    case "nvml":
      try {
        return nvml();
      } catch (error) {
        return unavailable(error);
      }
    case "nvidia-smi":
      return await smi().catch(unavailable);
    case "dcgm":
      return {
        reader: new DcgmReader(settings.dcgmUrl),
        reason: `dcgm-exporter at ${settings.dcgmUrl} (no per-process memory)`,
        perProcess: false,
      };
    case "none":
      return {
        reader: null,
        reason: "GPU reading turned off (gpu.source: none)",
        perProcess: false,
      };
    case "auto": {
      let nvmlFailure: string;
      try {
        return nvml();
      } catch (error) {
        nvmlFailure = (error as Error).message;
      }
      try {
        const choice = await smi();
        return { ...choice, reason: `${choice.reason} (NVML unavailable: ${nvmlFailure})` };
      } catch (error) {
        return {
          reader: null,
          reason: `no GPU reader: ${nvmlFailure}; ${(error as Error).message}`,
          perProcess: false,
        };
      }
    }
  }
}
