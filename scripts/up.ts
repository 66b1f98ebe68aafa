/**
 * `deno task up`: brings the compose stack up as far as breakwater may, and waits for it.
 * @module
 */
import { fileURLToPath } from "node:url";
import { COMMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { Engine } from "./lib/engine/engine.ts";
import { runUp } from "./lib/stack/run_up.ts";
import { PRESETS, stackLayout } from "./lib/stack/stack_layout.ts";
import { ConsoleReporter } from "./lib/stack/step_reporter.ts";
import { UsageError } from "./lib/usage_error.ts";

await runCommand({
  usage: `Usage: deno task up [--dry-run] [--preset P] [--data DIR] [--grafana-password PW]
                    [--timeout SECONDS] [--json] [--config PATH]

Brings the compose stack up, asking nothing:
  the control API's token, made once in compose/secrets/breakwater-token (only you can read it);
  compose/.env from .env.example with that token, fresh secrets, the preset and data folders;
  compose/alertmanager/alertmanager.yml from its example; the data folders;
  the Grafana plugin built when plugin/dist is missing or older than its sources;
  the compose file audited; whether the containers can reach breakwater, and what to change if not;
  the images present (or which are missing and how to get them);
  the stack's containers started through the engine's API, then every service waited for.
breakwater never creates containers: the first time, it says to run docker compose up -d once.
Run it again at any time: what exists is kept.

  --dry-run              say what would be done, do nothing
  --preset P             ${PRESETS.join(" or ")}, for a new .env (default ollama-8gb)
  --data DIR             the data folder, for a new .env (default compose/data)
  --grafana-password PW  Grafana's admin password, for a new .env (default: a random one)
  --timeout SECONDS      how long to wait for every service (default 300)
  --json                 print the steps and the outcome as JSON
  -c, --config           breakwater's config (default: ./breakwater.yaml, or BREAKWATER_CONFIG)
  --project DIR          the breakwater checkout holding compose/ and plugin/ (default: this one)

Exit status: 0 up (or planned, with --dry-run), 1 docker compose up -d is needed once,
2 blocked (the message says by what).`,
  options: {
    ...COMMON_OPTIONS,
    "dry-run": { type: "boolean", default: false },
    preset: { type: "string", default: "ollama-8gb" },
    data: { type: "string" },
    "grafana-password": { type: "string" },
    timeout: { type: "string", default: "300" },
    project: { type: "string" },
  },
  async run(values) {
    if (!(PRESETS as readonly string[]).includes(values.preset)) {
      throw new UsageError(`--preset must be ${PRESETS.join(" or ")}, got "${values.preset}"`);
    }
    const timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new UsageError(
        `--timeout must be a number of seconds above 0, got "${values.timeout}"`,
      );
    }
    const { config } = await loadConfig({ path: values.config });
    const report = new ConsoleReporter(values["dry-run"]);
    const outcome = await runUp({
      layout: stackLayout(values.project ?? fileURLToPath(new URL("../", import.meta.url))),
      config,
      engine: Engine.connect(config.docker.host),
      report,
      dryRun: values["dry-run"],
      preset: values.preset,
      dataDir: values.data ?? null,
      grafanaPassword: values["grafana-password"] ?? null,
      waitMs: timeout * 1_000,
      runProgram: async (command, args, cwd) =>
        (await new Deno.Command(command, { args, cwd, stdout: "inherit", stderr: "inherit" })
          .output()).code,
    });
    if (values.json) console.log(JSON.stringify({ outcome, steps: report.steps }, null, 2));
    else if (outcome.status === "up") {
      console.log(`\nThe stack is up. Grafana: ${outcome.grafanaUrl} (login ${outcome.login}).`);
      console.log(
        'Look first at the "breakwater KPI" dashboard (the home page): the control panel on top,\n' +
          "the alert state under it, then VRAM and the containers' memory against their limits.",
      );
    } else if (outcome.status === "needs-compose") {
      console.log(`\nOnce: ${outcome.command}\nthen: deno task up`);
    }
    return {
      up: ExitCode.Ok,
      planned: ExitCode.Ok,
      "needs-compose": ExitCode.Problems,
      blocked: ExitCode.CouldNotRun,
    }[outcome.status];
  },
});
