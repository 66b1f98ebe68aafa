import type { GpuConfig, LadderRung } from "../config/schema.ts";
import type { ContainerListing } from "../engine/engine.ts";
import { isGpuNoisy, isGpuOwner, isProtected } from "../selection/container_roles.ts";
import type { VramAttribution } from "./attribution.ts";
import { type GpuSample, memoryUsedPercent } from "./gpu_reading.ts";
import type { OllamaModel } from "../ollama/ollama_client.ts";
import type { GpuWatchState } from "./watch_state.ts";

/** Which resource is under pressure. */
export type PressureKind = "vram" | "utilization";

/** The figures a decision was made on: the worst GPU's VRAM and utilization. */
export interface PressureSummary {
  vramPercent: number;
  utilizationPercent: number;
  /** Index of the GPU with the highest VRAM use. */
  gpu: number;
}

type Target = { name: string; id: string };

/** A change the watchdog wants made. */
export type GpuAction =
  | { kind: "unload-model"; model: string; sizeVramBytes: number; rung: LadderRung; reason: string }
  | { kind: "pause" | "stop"; container: Target; rung: LadderRung; reason: string }
  | { kind: "unpause" | "start"; container: Target; reason: string };

/** A decision that changes nothing but belongs in the journal. */
export interface GpuNote {
  kind: "unknown-reading" | "trip" | "clear" | "ladder-exhausted";
  reason: string;
}

/** Everything the pressure policy decides from. */
export interface PressureInput {
  sample: GpuSample;
  /** Every container, from the engine's list (state and labels are all the policy needs). */
  containers: readonly ContainerListing[];
  /** `null` when there was nothing to attribute (no reading). */
  attribution: VramAttribution | null;
  /** `null` when Ollama is not configured or did not answer. */
  ollamaModels: readonly OllamaModel[] | null;
  state: GpuWatchState;
  config: { gpu: GpuConfig; protected: readonly string[] };
  now: number;
}

/** The policy's answer. */
export interface PressurePlan {
  state: GpuWatchState;
  actions: GpuAction[];
  notes: GpuNote[];
  /** `null` for an unknown reading. */
  summary: PressureSummary | null;
  pressure: PressureKind[];
}

/**
 * Decides what to do about GPU pressure. Pure.
 *
 * A failed or partial reading is unknown: counted, journaled once per outage, and it neither
 * extends nor resets a streak. `streak` readings in a row over a high watermark trip the
 * watchdog; each trip past the cool-down climbs one rung of the ladder (skipping rungs with nothing
 * to do). `clearStreak` readings under both low watermarks clear it and resume exactly what
 * breakwater paused (and what it stopped, if configured). The GPU owner, protected containers and
 * containers a person paused are never touched.
 */
export function planPressure(input: PressureInput): PressurePlan {
  const { sample, state, config, now } = input;
  const summary = summarize(sample);
  if (summary === null) {
    const unknownStreak = state.unknownStreak + 1;
    const reason = sample.ok ? "GPU reading is missing VRAM or utilization" : sample.error;
    return {
      state: { ...state, unknownReadings: state.unknownReadings + 1, unknownStreak },
      actions: [],
      notes: unknownStreak === 1
        ? [{ kind: "unknown-reading", reason: `GPU reading unknown; streaks unchanged: ${reason}` }]
        : [],
      summary,
      pressure: [],
    };
  }

  const { vram, utilization } = config.gpu;
  const pressure: PressureKind[] = [];
  if (summary.vramPercent >= vram.high) pressure.push("vram");
  if (summary.utilizationPercent >= utilization.high) pressure.push("utilization");
  const calm = summary.vramPercent < vram.low && summary.utilizationPercent < utilization.low;
  // A streak stops counting where it trips or clears: past that it changes nothing, and a
  // steady GPU then leaves the state (and the state file) as it was.
  let next: GpuWatchState = {
    ...state,
    unknownStreak: 0,
    highStreak: pressure.length > 0 ? Math.min(state.highStreak + 1, config.gpu.streak) : 0,
    lowStreak: calm ? Math.min(state.lowStreak + 1, config.gpu.clearStreak) : 0,
  };
  const notes: GpuNote[] = [];
  const actions: GpuAction[] = [];
  const figures = `VRAM ${
    summary.vramPercent.toFixed(1)
  } %, utilization ${summary.utilizationPercent} %`;

  if (next.highStreak >= config.gpu.streak && !next.tripped) {
    next.tripped = true;
    notes.push({
      kind: "trip",
      reason: `${
        pressure.join(" and ")
      } over the high watermark for ${next.highStreak} readings (${figures})`,
    });
  }
  const cooled = next.lastRungAt === null || now - next.lastRungAt >= config.gpu.cooldown;
  if (next.tripped && pressure.length > 0 && next.armed && cooled) {
    const climbed = climb(input, next, pressure, figures);
    if (climbed) {
      actions.push(...climbed.actions);
      next = climbed.state;
    } else if (!next.ladderExhausted) {
      notes.push({
        kind: "ladder-exhausted",
        reason: `no rung left with anything to do (${figures})`,
      });
      next = { ...next, ladderExhausted: true };
    }
  }

  const holding = next.paused.length > 0 || next.stopped.length > 0;
  if (next.lowStreak >= config.gpu.clearStreak && (next.tripped || holding)) {
    actions.push(...resume(input, next));
    if (next.tripped) {
      notes.push({
        kind: "clear",
        reason: `under the low watermarks for ${next.lowStreak} readings (${figures})`,
      });
    }
    next = {
      ...next,
      tripped: false,
      nextRung: 0,
      lastRungAt: null,
      ladderExhausted: false,
      paused: [],
      stopped: [],
    };
  }
  return { state: next, actions, notes, summary, pressure };
}

/** The worst GPU's figures, or `null` when the reading failed or lacks one of them. */
function summarize(sample: GpuSample): PressureSummary | null {
  if (!sample.ok || sample.gpus.length === 0) return null;
  let worst: PressureSummary | null = null;
  for (const gpu of sample.gpus) {
    const vramPercent = memoryUsedPercent(gpu);
    if (vramPercent === null || gpu.utilizationPercent === null) return null;
    if (!worst || vramPercent > worst.vramPercent) {
      worst = { vramPercent, utilizationPercent: gpu.utilizationPercent, gpu: gpu.index };
    }
  }
  const utilization = Math.max(...sample.gpus.map((gpu) => gpu.utilizationPercent ?? 0));
  return worst && { ...worst, utilizationPercent: utilization };
}

/** Climbs from `state.nextRung` to the first rung with something to do. */
function climb(
  input: PressureInput,
  state: GpuWatchState,
  pressure: PressureKind[],
  figures: string,
): { actions: GpuAction[]; state: GpuWatchState } | undefined {
  const ladder = input.config.gpu.ladder;
  for (let index = state.nextRung; index < ladder.length; index++) {
    const actions = rungActions(ladder[index], input, pressure, figures);
    if (actions.length === 0) continue;
    // What the rung pauses or stops is held only once the engine did it: recordHeld.
    return {
      actions,
      state: { ...state, nextRung: index + 1, lastRungAt: input.now, ladderExhausted: false },
    };
  }
  return undefined;
}

function rungActions(
  rung: LadderRung,
  { containers, attribution, ollamaModels, config }: PressureInput,
  pressure: PressureKind[],
  figures: string,
): GpuAction[] {
  const { gpu } = config;
  const touchable = containers.filter((container) =>
    container.state === "running" && !isGpuOwner(container, gpu.owner) &&
    !isProtected(container, config.protected)
  );
  const target = (container: ContainerListing) => ({ name: container.name, id: container.id });
  switch (rung) {
    case "unload-ollama-models":
      if (!pressure.includes("vram")) return [];
      return (ollamaModels ?? [])
        .filter((model) => model.sizeVram > 0 && !gpu.ollama.keepModels.includes(model.name))
        .map((model) => ({
          kind: "unload-model",
          model: model.name,
          sizeVramBytes: model.sizeVram,
          rung,
          reason: `VRAM pressure (${figures}): unloading Ollama model ${model.name}`,
        }));
    case "pause-noisy":
      return touchable.filter((container) => isGpuNoisy(container, gpu.noisy)).map((container) => ({
        kind: "pause",
        container: target(container),
        rung,
        reason: `${pressure.join(" and ")} pressure (${figures}): pausing a GPU-noisy container`,
      }));
    case "stop-top-vram": {
      if (!pressure.includes("vram") || !attribution?.available) return [];
      const [top] = touchable
        .map((container) => ({ container, bytes: attribution.byContainer[container.name] ?? 0 }))
        .filter(({ bytes }) => bytes > 0)
        .sort((a, b) => b.bytes - a.bytes);
      if (!top) return [];
      return [{
        kind: "stop",
        container: target(top.container),
        rung,
        reason: `VRAM pressure (${figures}): stopping the container holding the most VRAM ` +
          `(${(top.bytes / 1024 ** 3).toFixed(2)} GiB); pausing would not free it`,
      }];
    }
  }
}

/** Unpauses what breakwater paused (and starts what it stopped, if configured) — nothing else. */
function resume(input: PressureInput, state: GpuWatchState): GpuAction[] {
  const current = new Map(input.containers.map((container) => [container.id, container]));
  const unpause = state.paused
    .filter((held) => current.get(held.id)?.state === "paused")
    .map((held): GpuAction => ({
      kind: "unpause",
      container: { name: held.name, id: held.id },
      reason: "GPU pressure cleared: resuming a container breakwater paused",
    }));
  const start = input.config.gpu.restartStopped
    ? state.stopped
      .filter((held) => ["exited", "created"].includes(current.get(held.id)?.state ?? ""))
      .map((held): GpuAction => ({
        kind: "start",
        container: { name: held.name, id: held.id },
        reason: "GPU pressure cleared: starting a container breakwater stopped",
      }))
    : [];
  return [...unpause, ...start];
}

/**
 * The watchdog armed or disarmed by a person: only `armed` changes. Streaks go on counting and
 * what it holds stays held, so a watchdog re-armed mid-pressure neither trips at once from nothing
 * nor forgets what it has to resume.
 */
export function armWatchdog(state: GpuWatchState, armed: boolean): GpuWatchState {
  return state.armed === armed ? state : { ...state, armed };
}
