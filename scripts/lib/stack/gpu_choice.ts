/** `COMPOSE_FILE` for a machine without a GPU for containers: Ollama on CPU. */
export const CPU_COMPOSE_FILE = "compose.yaml";
/** `COMPOSE_FILE` with the NVIDIA runtime: Ollama gets the GPU (compose.gpu.yaml). */
export const GPU_COMPOSE_FILE = "compose.yaml:compose.gpu.yaml";

/** What `up` asks for: decided from the engine, or forced with `--gpu` / `--no-gpu`. */
export type GpuWish = "auto" | "gpu" | "cpu";

/** The `COMPOSE_FILE` to use, and why. */
export interface GpuChoice {
  /** The value `.env` should hold. */
  composeFile: string;
  /** Whether Ollama gets the GPU; `null` for a `COMPOSE_FILE` of the user's own. */
  gpu: boolean | null;
  reason: string;
}

/**
 * Chooses compose.gpu.yaml when the engine has the NVIDIA runtime (what `deploy.resources.
 * reservations.devices` with `driver: nvidia` needs: without it Compose stops with "could not
 * select device driver nvidia"), unless forced. A `COMPOSE_FILE` other than the two `up` writes is
 * the user's own and kept. Pure.
 */
export function chooseComposeFile(
  runtimes: readonly string[],
  current: string | undefined,
  wish: GpuWish,
): GpuChoice {
  if (current !== undefined && current !== CPU_COMPOSE_FILE && current !== GPU_COMPOSE_FILE) {
    return { composeFile: current, gpu: null, reason: `COMPOSE_FILE=${current} is yours: kept` };
  }
  if (wish === "gpu") {
    return { composeFile: GPU_COMPOSE_FILE, gpu: true, reason: "Ollama on the GPU (--gpu)" };
  }
  if (wish === "cpu") {
    return { composeFile: CPU_COMPOSE_FILE, gpu: false, reason: "Ollama on CPU (--no-gpu)" };
  }
  return runtimes.includes("nvidia")
    ? {
      composeFile: GPU_COMPOSE_FILE,
      gpu: true,
      reason: "Ollama on the GPU: the engine has the NVIDIA runtime",
    }
    : {
      composeFile: CPU_COMPOSE_FILE,
      gpu: false,
      reason: `Ollama on CPU: the engine has no NVIDIA runtime (runtimes: ${
        runtimes.join(", ") || "none"
      }); install the NVIDIA Container Toolkit and run deno task up again to use the GPU`,
    };
}
