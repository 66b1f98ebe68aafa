import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import { initialGpuWatchState } from "../gpu/watch_state.ts";
import type { ContainerMetricsRow } from "./health_row.ts";
import { runSampleLoop } from "./sample_loop.ts";

Deno.test("sample loop: a sample becomes gauges and says the engine answers; a failed one marks it down and the loop goes on", async () => {
  const gpuConfig = parseConfigText("{}", { file: "test.yaml", env: () => undefined }).gpu;
  const stop = new AbortController();
  const told: string[] = [];
  const answers: (ContainerMetricsRow[] | Error)[] = [
    [{ name: "api" } as ContainerMetricsRow],
    new Error("connect ECONNREFUSED /var/run/docker.sock"),
    [],
  ];
  await runSampleLoop({
    sampler: {
      sample: () => {
        const answer = answers.shift()!;
        if (answers.length === 0) stop.abort();
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    },
    metrics: {
      observeContainers: (rows) => told.push(`containers ${rows.length}`),
      observeWatchdog: (state) => told.push(`watchdog armed=${state.armed}`),
      engineDown: () => told.push("engine down"),
    },
    engineHealth: {
      reachable: () => told.push("reachable"),
      unreachable: (error) => told.push(`unreachable: ${(error as Error).message}`),
    },
    watchState: () => ({ ...initialGpuWatchState(), armed: false }),
    gpuConfig,
    intervalMs: 1,
  }, stop.signal);
  assert.deepEqual(told, [
    "containers 1",
    "watchdog armed=false",
    "reachable",
    "engine down",
    "unreachable: connect ECONNREFUSED /var/run/docker.sock",
    "containers 0",
    "watchdog armed=false",
    "reachable",
  ]);
});
