import type { Engine } from "../engine/engine.ts";
import type { StatsSample } from "../engine/stats_sample.ts";
import { mapConcurrent } from "../concurrency.ts";
import type { ContainerReadings } from "./health_row.ts";

/** CPU % needs two samples; closer than this, the figure is mostly noise. */
const MIN_SAMPLE_GAP_MS = 200;

/**
 * Reads every container: inspect, then two one-shot stats samples of those running, at most
 * `concurrency` engine calls in flight. No process is spawned.
 */
export async function readHealth(
  engine: Engine,
  concurrency: number,
): Promise<ContainerReadings[]> {
  const snapshots = await engine.snapshots(concurrency);
  const running = snapshots.filter((snapshot) => snapshot.state === "running");
  const sample = () =>
    mapConcurrent(running, concurrency, (snapshot) => engine.stats(snapshot.id).catch(() => null));
  const firstAt = performance.now();
  const first = await sample();
  const wait = MIN_SAMPLE_GAP_MS - (performance.now() - firstAt);
  if (wait > 0 && running.length > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const second = await sample();
  const samples = new Map<string, [StatsSample | null, StatsSample | null]>(
    running.map((snapshot, index) => [snapshot.id, [first[index], second[index]]]),
  );
  return snapshots.map((snapshot) => {
    const [before, after] = samples.get(snapshot.id) ?? [null, null];
    return { snapshot, before, after };
  });
}
