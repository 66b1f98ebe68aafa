import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import { readCgroupStats } from "../engine/cgroup_stats.ts";
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
 * one — from its cgroup where this machine can read it (sub-millisecond), else through the
 * engine's stats API (about a second a sample). No process is spawned.
 */
export async function readHealth(
  engine: Engine,
  concurrency: number,
): Promise<ContainerReadings[]> {
  const snapshots = await engine.snapshots(concurrency);
  const running = snapshots.filter((snapshot) => snapshot.state === "running");
  const sampleAll = (): Promise<(StatsSample | null)[]> =>
    mapConcurrent(running, ENGINE_STATS_IN_FLIGHT, (snapshot) => sampleOne(engine, snapshot));
  const firstAt = performance.now();
  const first = await sampleAll();
  const wait = MIN_SAMPLE_GAP_MS - (performance.now() - firstAt);
  if (wait > 0 && running.length > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const second = await sampleAll();
  const samples = new Map(
    running.map((snapshot, index) => [snapshot.id, [first[index], second[index]]]),
  );
  return snapshots.map((snapshot) => {
    const [before, after] = samples.get(snapshot.id) ?? [null, null];
    return { snapshot, before, after };
  });
}

/** One stats sample of a running container: from its cgroup where readable, else the engine. */
export async function sampleOne(
  engine: Engine,
  snapshot: ContainerSnapshot,
): Promise<StatsSample | null> {
  const local = await readCgroupStats(snapshot.id, snapshot.pid);
  if (local) return local;
  return await engine.stats(snapshot.id).catch(() => null);
}
