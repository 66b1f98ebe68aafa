import type { JournalNote } from "../executor/executor.ts";
import type { ProbeLoopOptions } from "./probe_loop.ts";

/** What a probe's change reaches: the journal (through the executor) and the heal loop. */
export interface ProbeReactionPorts {
  note: (note: JournalNote) => unknown;
  /** `null` when healing is off. */
  heal: {
    onProbeDown(container: string, probe: string, details: { url: string; error: string }): unknown;
    onProbeUp(container: string): unknown;
  } | null;
}

/**
 * What the daemon does when a probe goes down or answers again: journals it (`probe-down`,
 * `probe-up`, by policy, noted), and for a probe with `healContainer`, tells the heal loop, which
 * restarts that container while the probe stays down.
 */
export function probeReactions(
  ports: ProbeReactionPorts,
): Pick<ProbeLoopOptions, "onDown" | "onUp"> {
  const note = (action: string, reason: string, details: Record<string, unknown>) =>
    void ports.note({ action, container: null, reason, actor: "policy", result: "noted", details });
  return {
    onDown(probe, result) {
      const error = result.error ?? `status ${result.status}`;
      note("probe-down", `probe ${probe.name} is down (${probe.downAfter} in a row): ${error}`, {
        probe: probe.name,
        url: probe.url,
        error,
      });
      if (probe.healContainer) {
        void ports.heal?.onProbeDown(probe.healContainer, probe.name, { url: probe.url, error });
      }
    },
    onUp(probe, result) {
      note(
        "probe-up",
        `probe ${probe.name} answers again (${result.status} in ${result.latencyMs} ms)`,
        { probe: probe.name, url: probe.url },
      );
      if (probe.healContainer) void ports.heal?.onProbeUp(probe.healContainer);
    },
  };
}
