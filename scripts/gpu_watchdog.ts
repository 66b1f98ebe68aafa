/**
 * `deno task gpu-watchdog`: the GPU pressure watchdog on its own. `--once` takes one reading (the
 * streak carries over between runs through the state file); `--dry-run` decides and journals only.
 * @module
 */
import { DAEMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { runDaemon } from "./lib/cli/run_daemon.ts";
import { parseSourceChoice } from "./lib/cli/source_option.ts";

await runCommand({
  usage: `Usage: deno task gpu-watchdog [--once] [--dry-run] [--source S] [--json] [--config PATH]

Reads the GPU every poll interval; when VRAM or utilization stays over the high watermark for a
streak of readings, climbs one rung of the relief ladder per trip (unload idle Ollama models, pause
GPU-noisy containers, stop the non-owner container holding the most VRAM); once readings stay under
the low watermark, resumes exactly what it paused. Every rung is journaled with its readings.

  --once          one reading, then exit
  --dry-run       decide and journal, change nothing
  --source S      auto (NVML, then nvidia-smi), nvml, nvidia-smi or dcgm (default: gpu.source)
  --json          JSON lines instead of readable output
  -v, --verbose   print debug lines too
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)

Exit status: 0 all well, 1 an action failed (--once), 2 could not run.`,
  options: {
    ...DAEMON_OPTIONS,
    once: { type: "boolean", default: false },
    source: { type: "string" },
  },
  run: (values) =>
    runDaemon({
      configPath: values.config,
      once: values.once,
      dryRun: values["dry-run"],
      json: values.json,
      verbose: values.verbose,
      heal: false,
      gpu: true,
      api: false,
      source: parseSourceChoice(values.source),
    }),
});
