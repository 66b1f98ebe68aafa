/**
 * `deno task journal`: the latest journal entries, as a table or `--json`.
 * @module
 */
import { UsageError } from "./lib/usage_error.ts";
import { join } from "node:path";
import { runCommand, TABLE_OPTIONS, WIDE_USAGE } from "./lib/cli/command.ts";
import { JOURNAL_FILE } from "./lib/cli/context.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { formatTable } from "./lib/text/table.ts";
import { tableWidth } from "./lib/cli/table_width.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { parseDuration } from "./lib/duration.ts";
import { Journal } from "./lib/journal/journal.ts";

await runCommand({
  usage: `Usage: deno task journal [--limit N] [--since WHEN] [--json] [--wide] [--config PATH]

Prints the latest entries of breakwater's journal: every action, and every decision not to act.

  -n, --limit     how many entries, newest last (default 20)
  --since         only entries since a time (ISO 8601) or a duration ago ("1h", "30m")
  --json          print {"entries": [...]}
${WIDE_USAGE}
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)`,
  options: {
    ...TABLE_OPTIONS,
    limit: { type: "string", short: "n", default: "20" },
    since: { type: "string" },
  },
  async run(values) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError(`--limit must be a whole number above 0, got "${values.limit}"`);
    }
    const since = values.since === undefined ? undefined : parseSince(values.since);
    const { config } = await loadConfig({ path: values.config });
    const journal = new Journal(join(config.stateDir, JOURNAL_FILE));
    const entries = await journal.read({ limit, since });
    if (values.json) {
      console.log(JSON.stringify({ entries }, null, 2));
    } else if (entries.length === 0) {
      console.log(`No journal entries in ${journal.path}.`);
    } else {
      console.log(formatTable(
        ["TIME", "ACTION", "CONTAINER", "RESULT", "ACTOR", "REASON"],
        entries.map((entry) => [
          entry.time,
          entry.action,
          entry.container?.name ?? "-",
          entry.error ? `${entry.result}: ${entry.error}` : entry.result,
          entry.actor,
          entry.reason,
        ]),
        tableWidth(values.wide),
      ));
    }
    return ExitCode.Ok;
  },
});

function parseSince(text: string): number {
  const ago = parseDuration(text);
  if (ago !== undefined) return Date.now() - ago;
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw new UsageError(
      `--since takes an ISO 8601 time or a duration such as "1h", got "${text}"`,
    );
  }
  return time;
}
