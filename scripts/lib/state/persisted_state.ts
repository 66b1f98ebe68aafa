import { z } from "zod";
import { type GpuWatchState, initialGpuWatchState } from "../gpu/watch_state.ts";
import { emptyHealState, type HealState } from "../heal/heal_state.ts";

/** Everything breakwater persists between passes and runs. */
export interface PersistedState {
  version: 1;
  heal: HealState;
  gpu: GpuWatchState;
}

const time = z.number().nullable();

const containerHealSchema = z.object({
  id: z.string(),
  backoffRestarts: z.int().min(0),
  lastRestartAt: time,
  recentRestarts: z.array(z.number()),
  healthySince: time,
  unpausedAt: time,
  lastSeenState: z.string().nullable(),
  gaveUpAt: time,
  lastSkip: z.string().nullable(),
});

const heldSchema = z.object({
  name: z.string(),
  id: z.string(),
  at: z.number(),
  pending: z.literal(true).optional(),
});

/** Missing GPU fields take their initial values (a state written before they existed). */
const gpuSchema = z.object({
  armed: z.boolean(),
  tripped: z.boolean(),
  highStreak: z.int().min(0),
  lowStreak: z.int().min(0),
  nextRung: z.int().min(0),
  lastRungAt: time,
  ladderExhausted: z.boolean(),
  unknownReadings: z.int().min(0),
  unknownStreak: z.int().min(0),
  paused: z.array(heldSchema),
  stopped: z.array(heldSchema),
}).partial();

const stateSchema = z.object({
  version: z.literal(1),
  heal: z.object({ containers: z.record(z.string(), containerHealSchema) }),
  gpu: gpuSchema.optional(),
});

/**
 * Checks a parsed state file's shape: valid JSON of the wrong shape would otherwise break
 * healing for good. Returns the state, or the first problem found as `key: message`.
 */
export function toPersistedState(
  value: unknown,
): { ok: true; state: PersistedState } | { ok: false; problem: string } {
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue.path.join(".") || "(top)"}: ${issue.message}` };
  }
  return {
    ok: true,
    state: {
      version: 1,
      heal: parsed.data.heal,
      gpu: { ...initialGpuWatchState(), ...parsed.data.gpu },
    },
  };
}

/** The state of a breakwater that has seen nothing yet. */
export function emptyState(): PersistedState {
  return { version: 1, heal: emptyHealState(), gpu: initialGpuWatchState() };
}
