/**
 * `deno task down`: stops the compose stack, leaving its data alone.
 * @module
 */
import { fileURLToPath } from "node:url";
import { COMMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { Engine } from "./lib/engine/engine.ts";
import { runDown } from "./lib/stack/run_down.ts";
import { stackLayout } from "./lib/stack/stack_layout.ts";
import { ConsoleReporter } from "./lib/stack/step_reporter.ts";

await runCommand({
  usage: `Usage: deno task down [--dry-run] [--json] [--config PATH]

Stops the compose stack's running containers through the engine's API (each given its
breakwater.stop-timeout, else 10 s), as docker compose stop does: the containers, their volumes
and the data folders stay; deno task up starts them again.

  --dry-run       say what would be stopped, stop nothing
  --json          print the steps as JSON
  -c, --config    breakwater's config, for the engine's address (default: ./breakwater.yaml)
  --project DIR   the breakwater checkout holding compose/ (default: this one)

Exit status: 0 stopped (or nothing ran), 1 a container could not be stopped, 2 could not run.`,
  options: {
    ...COMMON_OPTIONS,
    "dry-run": { type: "boolean", default: false },
    project: { type: "string" },
  },
  async run(values) {
    const { config } = await loadConfig({ path: values.config });
    const report = new ConsoleReporter(values["dry-run"]);
    await runDown({
      layout: stackLayout(values.project ?? fileURLToPath(new URL("../", import.meta.url))),
      engine: Engine.connect(config.docker.host),
      report,
      dryRun: values["dry-run"],
    });
    if (values.json) console.log(JSON.stringify({ steps: report.steps }, null, 2));
    return report.steps.some((step) => step.status === "fail") ? ExitCode.Problems : ExitCode.Ok;
  },
});
