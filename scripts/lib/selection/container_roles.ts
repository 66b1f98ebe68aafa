import { parseDuration } from "../duration.ts";
import { matchesAnyGlob } from "./glob.ts";

/** Labels that opt a container in to healing; `autoheal` is docker-autoheal's own. */
export const HEAL_LABELS = ["breakwater.heal", "autoheal"] as const;
/** The label that puts a container out of every action's reach. */
export const PROTECTED_LABEL = "breakwater.protected";
/** The label that marks the one container that owns the GPU. */
export const GPU_OWNER_LABEL = "breakwater.gpu-owner";
/** The label that marks a container with GPU access that only reads metrics (dcgm-exporter). */
export const GPU_MONITOR_LABEL = "breakwater.gpu-monitor";
/** The label that marks a container to pause under GPU pressure. */
export const GPU_NOISY_LABEL = "breakwater.gpu-noisy";
/** Labels giving the stop timeout for restarts, in seconds or as a duration. */
export const STOP_TIMEOUT_LABELS = ["breakwater.stop-timeout", "autoheal.stop.timeout"] as const;

/** The part of a container that decides what it is to breakwater. */
export interface NamedContainer {
  name: string;
  labels: Record<string, string>;
}

/** Whether the container asked to be healed, by label or by a name/pattern in the config. */
export function isHealOptedIn(container: NamedContainer, patterns: readonly string[]): boolean {
  return HEAL_LABELS.some((label) => isTrue(container.labels[label])) ||
    matchesAnyGlob(container.name, patterns);
}

/** Whether the container must never be touched, by label or by a name/pattern in the config. */
export function isProtected(container: NamedContainer, patterns: readonly string[]): boolean {
  return isTrue(container.labels[PROTECTED_LABEL]) || matchesAnyGlob(container.name, patterns);
}

/** Whether the container owns the GPU, by label or by a name/pattern in the config. */
export function isGpuOwner(container: NamedContainer, patterns: readonly string[]): boolean {
  return isTrue(container.labels[GPU_OWNER_LABEL]) || matchesAnyGlob(container.name, patterns);
}

/** Whether the container reaches the GPU only to read its metrics: not an owner, never a second one. */
export function isGpuMonitor(container: NamedContainer): boolean {
  return isTrue(container.labels[GPU_MONITOR_LABEL]);
}

/** Whether the container is to be paused under GPU pressure, by label or by config. */
export function isGpuNoisy(container: NamedContainer, patterns: readonly string[]): boolean {
  return isTrue(container.labels[GPU_NOISY_LABEL]) || matchesAnyGlob(container.name, patterns);
}

/**
 * Why a person may not act on the container through breakwater (protected, or the GPU owner), or
 * `null` when they may.
 */
export function refusalReason(
  container: NamedContainer,
  patterns: { protected: readonly string[]; gpuOwner: readonly string[] },
): string | null {
  if (isProtected(container, patterns.protected)) {
    return "protected (label breakwater.protected=true or the protected list); breakwater never touches it";
  }
  if (isGpuOwner(container, patterns.gpuOwner)) {
    return "the GPU owner (label breakwater.gpu-owner=true or gpu.owner); breakwater never touches it";
  }
  return null;
}

/**
 * How long a stop or restart lets the container's processes exit before the engine kills them:
 * a breakwater label, else the container's own stop timeout (`--stop-timeout`, compose
 * `stop_grace_period`), else `fallbackMs` (the config's `heal.stopTimeout`).
 */
export function stopTimeoutFor(
  container: NamedContainer & { stopTimeoutMs?: number | null },
  fallbackMs: number,
): number {
  for (const label of STOP_TIMEOUT_LABELS) {
    const value = container.labels[label];
    const ms = value === undefined ? undefined : parseDuration(value);
    if (ms !== undefined) return ms;
  }
  return container.stopTimeoutMs ?? fallbackMs;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "yes", "on"].includes(value.trim().toLowerCase());
}
