/**
 * `deno task watch`: the breakwater daemon. Heals unhealthy containers and watches GPU pressure
 * until SIGINT/SIGTERM; `--once` makes one pass of each and exits, for cron or Task Scheduler.
 * @module
 */
import { DAEMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { runDaemon } from "./lib/cli/run_daemon.ts";

await runCommand({
  usage: `Usage: deno task watch [--once] [--dry-run] [--json] [--config PATH]

Runs breakwater: restarts opted-in unhealthy containers (event-driven, with a reconcile pass on an
interval and crash-loop backoff) and relieves GPU pressure (unload idle Ollama models, pause noisy
containers, stop the one holding the most VRAM; resume once it clears), journaling every action.
Stops cleanly on Ctrl-C / SIGTERM.

  --once          one heal pass and one GPU reading, then exit (cron, systemd timers, Task Scheduler)
  --dry-run       decide and journal, change nothing
  --json          JSON lines instead of readable output
  -v, --verbose   print debug lines too
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)

Exit status: 0 all well, 1 an action failed (--once), 2 could not run.`,
  options: {
    ...DAEMON_OPTIONS,
    once: { type: "boolean", default: false },
  },
  run: (values) =>
    runDaemon({
      configPath: values.config,
      once: values.once,
      dryRun: values["dry-run"],
      json: values.json,
      verbose: values.verbose,
      heal: true,
      gpu: true,
    }),
});
