import { abortableSleep } from "../abortable_sleep.ts";
import type { GpuConfig } from "../config/schema.ts";
import type { EngineReachability } from "../engine/engine_reachability.ts";
import type { GpuWatchState } from "../gpu/watch_state.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { ContainerSampler } from "./container_sampler.ts";

/** What {@linkcode runSampleLoop} reads and reports through. */
export interface SampleLoopPorts {
  sampler: Pick<ContainerSampler, "sample">;
  metrics: Pick<Metrics, "observeContainers" | "observeWatchdog" | "engineDown">;
  engineHealth: EngineReachability;
  /** The watchdog's state now (it also changes between GPU readings: armed, disarmed). */
  watchState: () => GpuWatchState;
  gpuConfig: GpuConfig;
  intervalMs: number;
}

/**
 * Samples the containers every `intervalMs` until `signal` aborts: each sample becomes gauges and
 * says the engine answers; a sample that fails marks the engine down in the metrics and in
 * `/healthz`, and the loop goes on.
 */
export async function runSampleLoop(ports: SampleLoopPorts, signal: AbortSignal): Promise<void> {
  const { sampler, metrics, engineHealth } = ports;
  while (!signal.aborted) {
    try {
      metrics.observeContainers(await sampler.sample());
      metrics.observeWatchdog(ports.watchState(), ports.gpuConfig);
      engineHealth.reachable();
    } catch (error) {
      metrics.engineDown();
      engineHealth.unreachable(error);
    }
    await abortableSleep(ports.intervalMs, signal);
  }
}
