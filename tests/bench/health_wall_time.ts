import { TestContainers } from "../support/containers.ts";
import { createWorkspace, runScript } from "../support/daemon.ts";
import { mapConcurrent } from "../../scripts/lib/concurrency.ts";

/**
 * Whole-process wall time of `deno task health --json` (process start to exit) with `count`
 * running containers of its own on the engine, over `runs` runs.
 */
export async function benchHealthWallTime(count: number, runs = 5): Promise<number[]> {
  const containers = new TestContainers();
  const workspace = await createWorkspace();
  const times: number[] = [];
  try {
    await mapConcurrent(
      Array.from({ length: count }, (_, i) => i),
      8,
      (index) => containers.create(`health-${index}`, { health: "none" }),
    );
    await runScript("health.ts", ["--json", "--config", workspace.configPath]); // warm the cache
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      const result = await runScript("health.ts", ["--json", "--config", workspace.configPath]);
      times.push(performance.now() - start);
      const rows = JSON.parse(result.stdout).containers as { name: string }[];
      const mine = rows.filter((row) => row.name.startsWith(containers.name("health-")));
      if (mine.length !== count) {
        throw new Error(`health listed ${mine.length} of ${count} containers`);
      }
    }
  } finally {
    await containers.removeAll();
    await workspace.remove();
  }
  return times;
}
