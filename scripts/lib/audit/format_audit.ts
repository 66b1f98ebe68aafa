import { formatTable } from "../text/table.ts";
import type { Finding } from "./audit_rules.ts";

/** Counts by severity; waived findings are counted apart. */
export function summarizeFindings(findings: readonly Finding[]) {
  const live = findings.filter((finding) => !finding.waived);
  return {
    error: live.filter((finding) => finding.severity === "error").length,
    warn: live.filter((finding) => finding.severity === "warn").length,
    info: live.filter((finding) => finding.severity === "info").length,
    waived: findings.length - live.length,
  };
}

/** The findings as a readable table, errors first, then a one-line summary. */
export function formatFindings(findings: readonly Finding[], maxWidth?: number): string {
  const order = { error: 0, warn: 1, info: 2 };
  const sorted = [...findings].sort((a, b) =>
    order[a.severity] - order[b.severity] || a.subject.localeCompare(b.subject) ||
    a.rule.localeCompare(b.rule)
  );
  const { error, warn, info, waived } = summarizeFindings(findings);
  const summary = `${error} error(s), ${warn} warning(s), ${info} note(s), ${waived} waived`;
  if (findings.length === 0) return `No findings: every rule passes.\n${summary}`;
  const table = formatTable(
    ["SEVERITY", "RULE", "CONTAINER", "PROBLEM", "FIX"],
    sorted.map((finding) => [
      finding.waived ? `waived (${finding.severity})` : finding.severity,
      finding.rule,
      finding.subject,
      finding.waived ? `${finding.message} — waived: ${finding.waived}` : finding.message,
      finding.fix,
    ]),
    maxWidth,
  );
  return `${table}\n\n${summary}`;
}
