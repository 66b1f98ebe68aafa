/**
 * `deno task health`: one row per container with state, health, restarts, uptime, CPU and memory
 * against limits, and whether breakwater heals or protects it. Exit 0 when none is unhealthy,
 * 1 when one is, 2 when it could not run.
 * @module
 */
import { runCommand, TABLE_OPTIONS, WIDE_USAGE } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { Engine } from "./lib/engine/engine.ts";
import { formatHealthTable, readHealth, toHealthRow } from "./lib/health/mod.ts";
import { tableWidth } from "./lib/cli/table_width.ts";

await runCommand({
  usage: `Usage: deno task health [--json] [--wide] [--config PATH]

Shows every container: state, health, restarts, uptime, CPU %, memory against its limit, whether
CPU and memory limits are set, whether breakwater heals it and whether it is protected.

  --json          print {"containers": [...]} instead of a table
${WIDE_USAGE}
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)

Exit status: 0 none unhealthy, 1 a container is unhealthy, 2 could not run.`,
  options: TABLE_OPTIONS,
  async run(values) {
    const { config } = await loadConfig({ path: values.config });
    const engine = Engine.connect(config.docker.host);
    const readings = await readHealth(engine, config.docker.concurrency);
    const now = Date.now();
    const rows = readings
      .map((reading) =>
        toHealthRow(reading, { heal: config.heal.containers, protected: config.protected }, now)
      )
      .sort((a, b) => a.name.localeCompare(b.name));
    console.log(
      values.json
        ? JSON.stringify({ containers: rows }, null, 2)
        : formatHealthTable(rows, tableWidth(values.wide)),
    );
    return rows.some((row) => row.health === "unhealthy") ? ExitCode.Problems : ExitCode.Ok;
  },
});
