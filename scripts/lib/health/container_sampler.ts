import type { Config } from "../config/schema.ts";
import type { ContainerDirectory } from "../engine/container_directory.ts";
import type { Engine } from "../engine/engine.ts";
import type { StatsSample } from "../engine/stats_sample.ts";
import type { PersistedState } from "../state/persisted_state.ts";
import type { ContainerMetricsRow } from "./health_row.ts";
import { isGpuOwner } from "../selection/container_roles.ts";
import { toHealthRow } from "./health_row.ts";
import { sampleRunning } from "./read_health.ts";

/**
 * Samples every container on an interval: its inspect answer (from the event-driven directory),
 * and one stats reading of those running. CPU % comes from the previous sample of the same
 * container, so a read needs no extra wait.
 */
export class ContainerSampler {
  readonly #previous = new Map<string, StatsSample>();
  #rows: ContainerMetricsRow[] = [];
  #sampledAt = 0;
  #sampling: Promise<ContainerMetricsRow[]> | null = null;

  constructor(
    readonly engine: Engine,
    readonly directory: ContainerDirectory,
    readonly config: Config,
    readonly state: () => PersistedState,
  ) {}

  /** The rows of the last sample, and when it was taken. */
  get latest(): { rows: ContainerMetricsRow[]; sampledAt: number } {
    return { rows: this.#rows, sampledAt: this.#sampledAt };
  }

  /**
   * Takes a sample now, or joins the one under way: callers that ask while a slow engine answers
   * share one sample instead of piling up more. Throws when the engine cannot be read.
   */
  sample(): Promise<ContainerMetricsRow[]> {
    this.#sampling ??= this.#take().finally(() => this.#sampling = null);
    return this.#sampling;
  }

  async #take(): Promise<ContainerMetricsRow[]> {
    const { config } = this;
    const snapshots = await this.directory.snapshots();
    const stats = await sampleRunning(this.engine, snapshots);
    const { gpu, heal } = this.state();
    const paused = new Set(gpu.paused.map((held) => held.id));
    const now = Date.now();
    const rows = snapshots.map((snapshot, index) => {
      const after = stats[index];
      const before = this.#previous.get(snapshot.id) ?? null;
      const row = toHealthRow(
        { snapshot, before, after },
        { heal: config.heal.containers, protected: config.protected },
        now,
      );
      return {
        ...row,
        cpuSeconds: after ? after.cpuTotalNs / 1e9 : null,
        pausedByBreakwater: paused.has(snapshot.id) && snapshot.state === "paused",
        gaveUp: (heal.containers[snapshot.name]?.gaveUpAt ?? null) !== null,
        gpuOwner: isGpuOwner(snapshot, config.gpu.owner),
        labels: snapshot.labels,
      };
    });
    this.#previous.clear();
    snapshots.forEach((snapshot, index) => {
      const sample = stats[index];
      if (sample) this.#previous.set(snapshot.id, sample);
    });
    this.#rows = rows.sort((a, b) => a.name.localeCompare(b.name));
    this.#sampledAt = now;
    return this.#rows;
  }
}
