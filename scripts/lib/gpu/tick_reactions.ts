import type { GpuConfig } from "../config/schema.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { GpuTickResult } from "./gpu_watchdog.ts";

/**
 * What the daemon does after each GPU reading: the readings, their attribution and the watchdog's
 * state become gauges; a reading the reader could not make is marked unknown, not zero.
 */
export function tickMetrics(
  metrics: Pick<Metrics, "observeGpu" | "observeWatchdog">,
  config: GpuConfig,
): (tick: GpuTickResult) => void {
  return ({ observation, plan }) => {
    metrics.observeGpu(observation.sample, observation.attribution, plan.summary === null);
    metrics.observeWatchdog(plan.state, config);
  };
}
