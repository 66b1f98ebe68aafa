import { join } from "node:path";
import { type ScheduleTarget, watchArgs } from "./schedule_target.ts";

/** The comment that marks breakwater's crontab lines, so install and uninstall find them. */
export const CRON_MARKER = "# breakwater (deno task schedule)";

/**
 * The crontab line: `watch --once` every minute, or the daemon `@reboot`. Output goes to
 * `cron.log` in the log folder.
 */
export function cronLine(target: ScheduleTarget): string {
  const when = target.once ? "* * * * *" : "@reboot";
  const command = [target.deno, ...watchArgs(target)].map(shellQuote).join(" ");
  const log = shellQuote(join(target.logDir, "cron.log"));
  return `${when} cd ${shellQuote(target.projectDir)} && ${command} >> ${log} 2>&1 ${CRON_MARKER}`;
}

/** A crontab with breakwater's line in place of any earlier one. */
export function withCronLine(crontab: string, line: string): string {
  return [...withoutCronLines(crontab).split("\n").filter((entry) => entry.trim() !== ""), line]
    .join("\n") + "\n";
}

/** A crontab without breakwater's lines. */
export function withoutCronLines(crontab: string): string {
  const kept = crontab.split("\n").filter((entry) => !entry.includes(CRON_MARKER));
  return kept.join("\n").replace(/\n+$/, "") + (kept.some((entry) => entry.trim()) ? "\n" : "");
}

/** Single-quotes a word for sh (and so for cron). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}
