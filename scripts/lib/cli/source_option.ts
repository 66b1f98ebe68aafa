import { UsageError } from "../usage_error.ts";
import type { GpuSourceChoice } from "../gpu/select_reader.ts";

const CHOICES: GpuSourceChoice[] = ["auto", "nvml", "nvidia-smi", "dcgm", "none"];

/** Checks `--source`; `undefined` keeps the config's choice. */
export function parseSourceChoice(value: string | undefined): GpuSourceChoice | undefined {
  if (value === undefined) return undefined;
  if (!(CHOICES as string[]).includes(value)) {
    throw new UsageError(`--source must be one of ${CHOICES.join(", ")}, got "${value}"`);
  }
  return value as GpuSourceChoice;
}
