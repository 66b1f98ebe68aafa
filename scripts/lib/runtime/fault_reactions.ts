import type { JournalNote } from "../executor/executor.ts";
import type { Logger } from "../log/logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { FaultListener } from "./faults.ts";

/** What {@linkcode faultReactions} acts through. */
export interface FaultReactionPorts {
  metrics: Pick<Metrics, "recordFault" | "clearFault">;
  log: Logger;
  /** Journals a note (the executor's). */
  note: (note: JournalNote) => unknown;
}

/**
 * What the daemon does when a fault is raised or cleared: every raise is counted; the first, and
 * the clearing, are logged and journaled — except the journal's own, which its entries waiting in
 * memory already show.
 */
export function faultReactions({ metrics, log, note }: FaultReactionPorts): FaultListener {
  const journal = (action: string, kind: string, reason: string) => {
    if (kind === "journal") return;
    note({
      action,
      container: null,
      reason,
      actor: "policy",
      result: "noted",
      details: { fault: kind },
    });
  };
  return {
    raised(fault, first) {
      metrics.recordFault(fault.kind);
      if (!first) return;
      log.log("error", fault.message, { fault: fault.kind });
      journal("fault", fault.kind, fault.message);
    },
    cleared(fault) {
      metrics.clearFault(fault.kind);
      const message = `${fault.kind}: working again after ${fault.count} failure(s)`;
      log.log("info", message, { fault: fault.kind });
      journal("fault-cleared", fault.kind, message);
    },
  };
}
