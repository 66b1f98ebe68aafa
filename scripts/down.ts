/**
 * `deno task down`: takes the compose stack down with Docker Compose, leaving its data alone.
 * @module
 */
import { fileURLToPath } from "node:url";
import { COMMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { Engine } from "./lib/engine/engine.ts";
import { runProgram } from "./lib/stack/program.ts";
import { runDown } from "./lib/stack/run_down.ts";
import { stackLayout } from "./lib/stack/stack_layout.ts";
import { ConsoleReporter } from "./lib/stack/step_reporter.ts";

await runCommand({
  usage: `Usage: deno task down [--dry-run] [--json] [--config PATH]

Takes the compose stack down with Docker Compose (docker compose down, or docker-compose): its
containers and network go; the data folders stay, and deno task up brings it all back.

  --dry-run       say what would be taken down, do nothing
  --json          print the steps as JSON
  -c, --config    breakwater's config, for the engine's address (default: ./breakwater.yaml)
  --project DIR   the breakwater checkout holding compose/ (default: this one)

Exit status: 0 down (or nothing was up), 1 Compose failed or is missing, 2 could not run.`,
  options: {
    ...COMMON_OPTIONS,
    "dry-run": { type: "boolean", default: false },
    project: { type: "string" },
  },
  async run(values) {
    const { config } = await loadConfig({ path: values.config });
    const report = new ConsoleReporter(values["dry-run"]);
    const down = await runDown({
      layout: stackLayout(values.project ?? fileURLToPath(new URL("../", import.meta.url))),
      engine: Engine.connect(config.docker.host),
      report,
      dryRun: values["dry-run"],
      runProgram,
    });
    if (values.json) console.log(JSON.stringify({ steps: report.steps }, null, 2));
    return down ? ExitCode.Ok : ExitCode.Problems;
  },
});
