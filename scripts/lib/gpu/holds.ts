import type { GpuWatchState, HeldContainer } from "./watch_state.ts";

/** What breakwater does to a container that it then holds until pressure clears. */
export type HoldKind = "pause" | "stop";

/**
 * Remembers a container that breakwater paused or stopped, to resume it once pressure clears.
 * Recorded as `pending` before the engine is asked, and for good only after it did it, so that a
 * pause that failed (and a pause a person makes later) is never undone by breakwater. Pure.
 */
export function recordHeld(
  state: GpuWatchState,
  kind: HoldKind,
  container: { name: string; id: string },
  at: number,
  options: { pending?: boolean } = {},
): GpuWatchState {
  const list = listOf(kind);
  const others = state[list].filter((held) => held.id !== container.id);
  const held = { name: container.name, id: container.id, at };
  return { ...state, [list]: [...others, options.pending ? { ...held, pending: true } : held] };
}

/** Forgets a pending hold whose action did not happen (the engine refused it). Pure. */
export function dropPendingHeld(
  state: GpuWatchState,
  kind: HoldKind,
  containerId: string,
): GpuWatchState {
  const list = listOf(kind);
  return {
    ...state,
    [list]: state[list].filter((held) => !(held.id === containerId && held.pending)),
  };
}

/**
 * A hold let go because the container no longer is as breakwater left it:
 * - `unproven`: pending when breakwater stopped, and the container is now paused (or stopped) —
 *   by breakwater's call or by a person, which nothing tells apart, so breakwater claims nothing
 *   and will not undo it;
 * - `not-done`: pending when breakwater stopped, and the action did not happen;
 * - `resumed`: someone else unpaused (or started) it, so a later pause is theirs.
 */
export interface ReleasedHold {
  kind: HoldKind;
  held: HeldContainer;
  why: "unproven" | "not-done" | "resumed";
}

/**
 * Lets go of holds that the containers' states no longer back: pending ones left by a breakwater
 * that stopped while the engine acted, and proven ones whose container someone resumed (seen
 * running). Holds whose container is gone are dropped without a note. Pure.
 */
export function settleHolds(
  state: GpuWatchState,
  containers: readonly { id: string; state: string }[],
): { state: GpuWatchState; released: ReleasedHold[] } {
  const current = new Map(containers.map((container) => [container.id, container.state]));
  const released: ReleasedHold[] = [];
  const settle = (kind: HoldKind, list: HeldContainer[]) =>
    list.filter((held) => {
      const now = current.get(held.id);
      if (now === undefined) return false;
      const acted = kind === "pause" ? now === "paused" : now === "exited" || now === "created";
      if (held.pending) {
        released.push({ kind, held, why: acted ? "unproven" : "not-done" });
        return false;
      }
      if (now === "running") {
        released.push({ kind, held, why: "resumed" });
        return false;
      }
      return true;
    });
  const paused = settle("pause", state.paused);
  const stopped = settle("stop", state.stopped);
  const unchanged = paused.length === state.paused.length &&
    stopped.length === state.stopped.length;
  return unchanged ? { state, released } : { state: { ...state, paused, stopped }, released };
}

/**
 * Lets go of the holds on a container the engine says was unpaused or started by someone other
 * than breakwater (which drops its holds before it resumes anything). Pure.
 */
export function releaseResumed(
  state: GpuWatchState,
  containerId: string,
): { state: GpuWatchState; released: ReleasedHold[] } {
  const released: ReleasedHold[] = [];
  const release = (kind: HoldKind, list: HeldContainer[]) =>
    list.filter((held) => {
      if (held.id !== containerId || held.pending) return true;
      released.push({ kind, held, why: "resumed" });
      return false;
    });
  const paused = release("pause", state.paused);
  const stopped = release("stop", state.stopped);
  return released.length === 0 ? { state, released } : {
    state: { ...state, paused, stopped },
    released,
  };
}

const listOf = (kind: HoldKind) => kind === "pause" ? "paused" : "stopped";
