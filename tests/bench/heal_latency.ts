import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { waitFor } from "../support/wait.ts";
import { mapConcurrent } from "../../scripts/lib/concurrency.ts";
import { describeSamples } from "./stats.ts";

/**
 * Time from the engine's `health_status: unhealthy` event to breakwater's restart request, for
 * `count` containers turned unhealthy at once, over `rounds` rounds, with the real daemon.
 */
export async function benchHealLatency(count = 20, rounds = 2): Promise<number[]> {
  const containers = new TestContainers();
  const workspace = await createWorkspace("heal:\n  backoff: { initial: 1s }\n");
  let daemon: Daemon | undefined;
  const latencies: number[] = [];
  try {
    const created = await mapConcurrent(
      Array.from({ length: count }, (_, i) => i),
      8,
      (index) =>
        containers.create(`heal-${index}`, {
          labels: { "breakwater.heal": "true", "breakwater.stop-timeout": "0" },
        }),
    );
    daemon = await Daemon.start(["--config", workspace.configPath]);
    for (let round = 1; round <= rounds; round++) {
      await waitFor("every container healthy", async () => {
        const health = await Promise.all(created.map((container) => containers.health(container)));
        return health.every((status) => status === "healthy");
      }, { timeoutMs: 60_000 });
      const before = (await workspace.entries()).length;
      await Promise.all(created.map((container) => containers.exec(container, ["rm", "/tmp/ok"])));
      const restarts = await waitFor(`${count} restarts`, async () => {
        const fresh = (await workspace.entries()).slice(before).filter((entry) =>
          entry.action === "restart" && entry.result === "ok"
        );
        return fresh.length >= count && fresh;
      }, { timeoutMs: 60_000 });
      // A restart the reconcile pass found first has no engine event to measure from.
      const fromEvents = restarts.filter((entry) => typeof entry.details.eventTime === "number");
      for (const entry of fromEvents) {
        latencies.push(
          Date.parse(entry.details.requestedAt as string) - (entry.details.eventTime as number),
        );
      }
      const byReconcile = restarts.length - fromEvents.length;
      console.log(
        `  round ${round}: ${
          describeSamples(latencies.slice(latencies.length - fromEvents.length))
        }` +
          (byReconcile > 0 ? `; ${byReconcile} found by the reconcile pass first, not timed` : ""),
      );
    }
  } finally {
    await daemon?.stop();
    await containers.removeAll();
    await workspace.remove();
  }
  return latencies;
}
