import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import { readCgroupSamples, readHostCpu } from "../engine/cgroup_stats.ts";
import { hostPseudoFiles, type PseudoFiles } from "../engine/pseudo_files.ts";
import type { Engine } from "../engine/engine.ts";
import type { StatsSample } from "../engine/stats_sample.ts";
import { mapConcurrent } from "../concurrency.ts";
import type { ContainerReadings } from "./health_row.ts";

/** CPU % needs two samples; closer than this, the figure is mostly noise. */
const MIN_SAMPLE_GAP_MS = 200;
/**
 * The engine answers one-shot stats at its next once-a-second tick, whatever the number asked
 * for, so these go out together rather than `concurrency` at a time.
 */
const ENGINE_STATS_IN_FLIGHT = 256;

/**
 * Reads every container: inspect (`concurrency` calls in flight), then two samples of each running
 * one — from its cgroup where this machine can read it (sub-millisecond; at most one `grep` a
 * batch where Deno's permissions keep `/proc` and `/sys` out of reach), else through the engine's
 * stats API (about a second a sample: the engine answers at its next stats tick).
 */
export async function readHealth(
  engine: Engine,
  concurrency: number,
): Promise<ContainerReadings[]> {
  const snapshots = await engine.snapshots(concurrency);
  const firstAt = performance.now();
  const first = await sampleRunning(engine, snapshots);
  const wait = MIN_SAMPLE_GAP_MS - (performance.now() - firstAt);
  const anyRunning = snapshots.some((snapshot) => snapshot.state === "running");
  if (wait > 0 && anyRunning) await new Promise((resolve) => setTimeout(resolve, wait));
  const second = await sampleRunning(engine, snapshots);
  return snapshots.map((snapshot, index) => ({
    snapshot,
    before: first[index],
    after: second[index],
  }));
}

/**
 * One stats sample of each running container, in `snapshots`' order (`null` for the others and
 * where none could be read): from the cgroups where readable, in one batch, else from the engine.
 */
export async function sampleRunning(
  engine: Engine,
  snapshots: readonly ContainerSnapshot[],
  files: PseudoFiles = hostPseudoFiles(),
): Promise<(StatsSample | null)[]> {
  const running = snapshots.filter((snapshot) => snapshot.state === "running");
  const host = readHostCpu(files);
  const local = host ? readCgroupSamples(running, host, files) : [];
  const byId = new Map(running.map((snapshot, index) => [snapshot.id, local[index]]));
  return await mapConcurrent(snapshots, ENGINE_STATS_IN_FLIGHT, async (snapshot) => {
    if (snapshot.state !== "running") return null;
    return byId.get(snapshot.id) ?? await engine.stats(snapshot.id).catch(() => null);
  });
}
