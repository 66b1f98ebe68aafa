import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import type { GpuTickResult } from "./gpu_watchdog.ts";
import { tickMetrics } from "./tick_reactions.ts";
import { initialGpuWatchState } from "./watch_state.ts";

Deno.test("tick reactions: the reading and the watchdog's state become gauges; no summary is unknown", () => {
  const config = parseConfigText("{}", { file: "test.yaml", env: () => undefined }).gpu;
  const seen: unknown[] = [];
  const onTick = tickMetrics({
    observeGpu: (sample, attribution, unknown) =>
      seen.push(["gpu", sample.ok, attribution, unknown]),
    observeWatchdog: (state, gpuConfig) => seen.push(["watchdog", state.highStreak, gpuConfig]),
  }, config);
  const tick = (summary: unknown, highStreak: number) =>
    ({
      observation: {
        sample: { ok: false, error: "nvidia-smi timed out" },
        attribution: null,
      },
      plan: { summary, state: { ...initialGpuWatchState(), highStreak } },
      entries: [],
    }) as unknown as GpuTickResult;
  onTick(tick(null, 0));
  onTick(tick({ vramPercent: 97 }, 2));
  assert.deepEqual(seen, [
    ["gpu", false, null, true],
    ["watchdog", 0, config],
    ["gpu", false, null, false],
    ["watchdog", 2, config],
  ]);
});
