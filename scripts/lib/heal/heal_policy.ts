import type { HealConfig } from "../config/schema.ts";
import type { ContainerSnapshot } from "../engine/container_snapshot.ts";
import type { EngineEvent } from "../engine/engine_event.ts";
import { isHealOptedIn, isProtected, stopTimeoutFor } from "../selection/container_roles.ts";
import { backoffDelay } from "./backoff.ts";
import { type ContainerHealState, freshContainerState, type HealState } from "./heal_state.ts";

/** Why an unhealthy, opted-in container was left alone. */
export type SkipCode = "paused" | "awaiting-fresh-probe" | "backoff" | "gave-up" | "protected";

/** What the heal policy decided for one container. */
export type HealDecision =
  | {
    kind: "restart";
    container: ContainerSnapshot;
    reason: string;
    stopTimeoutMs: number;
    /** 1 for the first restart since the backoff last started over. */
    attempt: number;
  }
  | {
    kind: "skip";
    container: ContainerSnapshot;
    code: SkipCode;
    reason: string;
    /** When a restart becomes allowed again, for `backoff`. */
    retryAt?: number;
  }
  | { kind: "give-up"; container: ContainerSnapshot; reason: string };

/** The heal settings and protected patterns the policy reads. */
export interface HealPolicyConfig {
  heal: HealConfig;
  protected: readonly string[];
}

/** Everything the heal policy decides from. */
export interface HealPolicyInput {
  snapshots: readonly ContainerSnapshot[];
  state: HealState;
  config: HealPolicyConfig;
  now: number;
  /**
   * Containers whose HTTP probe is down (`probes[].healContainer`), by name, with the probe's
   * name: unhealthy whatever their healthcheck says, and opted in by the probe's configuration.
   */
  probesDown?: ReadonlyMap<string, string>;
}

/** The policy's answer: what to do, the state to keep, and when to look again. */
export interface HealPlan {
  /** Restarts to make, and decisions not to act that were not journaled before. */
  decisions: HealDecision[];
  /** The state after the decisions, restarts counted as made. */
  state: HealState;
  /** The earliest time a container in backoff may be restarted, or `null`. */
  wakeAt: number | null;
}

/**
 * Decides which containers to restart. Pure: the same input gives the same plan.
 *
 * Only opted-in containers are considered. An unhealthy one is restarted at once the first time,
 * then after a doubling backoff; it is left alone while paused, while its `unhealthy` status
 * predates its last unpause, once given up on, or when protected.
 */
export function planHeal(
  { snapshots, state, config, now, probesDown = new Map() }: HealPolicyInput,
): HealPlan {
  const containers = { ...state.containers };
  const decisions: HealDecision[] = [];
  let wakeAt: number | null = null;
  for (const checked of snapshots) {
    const probe = probesDown.get(checked.name);
    if (probe === undefined && !isHealOptedIn(checked, config.heal.containers)) continue;
    const snapshot: ContainerSnapshot = probe === undefined
      ? checked
      : { ...checked, health: "unhealthy" };
    const previous = containers[snapshot.name];
    const observed = observe(
      previous?.id === snapshot.id ? previous : freshFor(snapshot, previous),
      snapshot,
      config.heal,
      now,
    );
    const outcome = decide(snapshot, observed, config, now, probe);
    containers[snapshot.name] = outcome.state;
    if (outcome.decision) decisions.push(outcome.decision);
    if (outcome.retryAt !== undefined) wakeAt = Math.min(wakeAt ?? Infinity, outcome.retryAt);
  }
  return { decisions, state: { containers }, wakeAt };
}

/**
 * Takes note of an engine event: an unpause makes the container's `unhealthy` status stale until
 * the next probe. Pure.
 */
export function observeHealEvent(state: HealState, event: EngineEvent): HealState {
  const entry = event.name ? state.containers[event.name] : undefined;
  if (!entry || event.action !== "unpause") return state;
  return {
    containers: {
      ...state.containers,
      [event.name]: { ...entry, unpausedAt: event.time, lastSeenState: "running" },
    },
  };
}

/**
 * Counts a restart the engine has done: one more toward the backoff and the give-up window,
 * timed from when it finished, so that a restart that waited out a long stop timeout does not eat
 * into the backoff. Called only for a restart that happened. Pure.
 */
export function recordRestart(
  state: HealState,
  container: { name: string; id: string },
  finishedAt: number,
): HealState {
  const entry = state.containers[container.name] ?? freshContainerState(container.id);
  return {
    containers: {
      ...state.containers,
      [container.name]: {
        ...entry,
        backoffRestarts: entry.backoffRestarts + 1,
        lastRestartAt: finishedAt,
        recentRestarts: [...entry.recentRestarts, finishedAt],
        healthySince: null,
        lastSkip: null,
      },
    },
  };
}

/** Drops remembered containers that are gone and whose history no longer matters. Pure. */
export function pruneHealState(
  state: HealState,
  present: ReadonlySet<string>,
  config: HealConfig,
  now: number,
): HealState {
  const keepFor = Math.max(config.backoff.resetAfter, config.giveUp.window);
  const containers = Object.fromEntries(
    Object.entries(state.containers).filter(([name, entry]) =>
      present.has(name) || (entry.lastRestartAt !== null && now - entry.lastRestartAt < keepFor)
    ),
  );
  return { containers };
}

/** A recreated container keeps the backoff history of the name, under its new id. */
function freshFor(snapshot: ContainerSnapshot, previous?: ContainerHealState): ContainerHealState {
  return previous ? { ...previous, id: snapshot.id } : freshContainerState(snapshot.id);
}

/** Updates what is known of a container from what it looks like now. */
function observe(
  entry: ContainerHealState,
  snapshot: ContainerSnapshot,
  heal: HealConfig,
  now: number,
): ContainerHealState {
  const next = { ...entry, lastSeenState: snapshot.state };
  if (
    entry.lastSeenState === "paused" && snapshot.state !== "paused" && entry.unpausedAt === null
  ) {
    next.unpausedAt = now;
  }
  if (
    next.unpausedAt !== null && snapshot.lastProbeStartedAt !== null &&
    snapshot.lastProbeStartedAt > next.unpausedAt
  ) {
    next.unpausedAt = null;
  }
  next.recentRestarts = entry.recentRestarts.filter((time) => now - time < heal.giveUp.window);
  if (snapshot.health === "healthy" && snapshot.state === "running") {
    next.healthySince = entry.healthySince ?? now;
    if (now - next.healthySince >= heal.backoff.resetAfter) {
      next.backoffRestarts = 0;
      next.gaveUpAt = null;
    }
  } else {
    next.healthySince = null;
  }
  return next;
}

interface Outcome {
  state: ContainerHealState;
  decision?: HealDecision;
  retryAt?: number;
}

function decide(
  snapshot: ContainerSnapshot,
  entry: ContainerHealState,
  config: HealPolicyConfig,
  now: number,
  probe: string | undefined,
): Outcome {
  if (snapshot.health !== "unhealthy") return { state: { ...entry, lastSkip: null } };
  const skip = (code: SkipCode, reason: string, retryAt?: number): Outcome => ({
    state: { ...entry, lastSkip: code },
    decision: entry.lastSkip === code
      ? undefined
      : { kind: "skip", container: snapshot, code, reason, retryAt },
    retryAt,
  });

  if (isProtected(snapshot, config.protected)) {
    return skip("protected", "container is protected; breakwater never touches it");
  }
  if (snapshot.state === "paused") {
    return skip("paused", "container is paused; a paused container is never restarted");
  }
  if (snapshot.state !== "running") return { state: entry };
  if (entry.unpausedAt !== null && probe === undefined) {
    return skip(
      "awaiting-fresh-probe",
      "unhealthy status predates the last unpause; waiting for a fresh health probe",
    );
  }
  if (entry.gaveUpAt !== null) {
    return skip("gave-up", "gave up after too many restarts; restart it by hand once fixed");
  }
  const { maxRestarts, window } = config.heal.giveUp;
  if (maxRestarts > 0 && entry.recentRestarts.length >= maxRestarts) {
    return {
      state: { ...entry, gaveUpAt: now, lastSkip: "gave-up" },
      decision: {
        kind: "give-up",
        container: snapshot,
        reason: `restarted ${entry.recentRestarts.length} times within ${window / 1_000}s; ` +
          "giving up until it is healthy again",
      },
    };
  }
  if (entry.lastRestartAt !== null) {
    const retryAt = entry.lastRestartAt + backoffDelay(entry.backoffRestarts, config.heal.backoff);
    if (now < retryAt) {
      return skip(
        "backoff",
        `crash-loop backoff after ${entry.backoffRestarts} restart(s); next restart allowed at ${
          new Date(retryAt).toISOString()
        }`,
        retryAt,
      );
    }
  }
  const attempt = entry.backoffRestarts + 1;
  // The restart is counted by recordRestart once the engine has done it, never before.
  return {
    state: { ...entry, healthySince: null, lastSkip: null },
    decision: {
      kind: "restart",
      container: snapshot,
      reason: (probe === undefined ? "container is unhealthy" : `probe ${probe} is down`) +
        (attempt === 1 ? "" : ` again (restart ${attempt} since it was last healthy)`),
      stopTimeoutMs: stopTimeoutFor(snapshot, config.heal.stopTimeout),
      attempt,
    },
  };
}
