/**
 * `deno task restart-unhealthy`: one heal pass over every container (`--loop` keeps going,
 * following engine events). `--dry-run` decides and journals without acting.
 * @module
 */
import { DAEMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { runDaemon } from "./lib/cli/run_daemon.ts";

await runCommand({
  usage: `Usage: deno task restart-unhealthy [--loop] [--dry-run] [--json] [--config PATH]

Restarts opted-in containers that are unhealthy (labels breakwater.heal=true or autoheal=true, or
heal.containers in the config), with crash-loop backoff. Every decision goes to the journal.

  --loop          keep going: follow engine events and reconcile on an interval
  --dry-run       decide and journal, change nothing
  --json          JSON lines instead of readable output
  -v, --verbose   print debug lines too
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)

Exit status: 0 all well, 1 an action failed, 2 could not run.`,
  options: {
    ...DAEMON_OPTIONS,
    loop: { type: "boolean", default: false },
  },
  run: (values) =>
    runDaemon({
      configPath: values.config,
      once: !values.loop,
      dryRun: values["dry-run"],
      json: values.json,
      verbose: values.verbose,
      heal: true,
      gpu: false,
      api: false,
    }),
});
