/**
 * `deno task up`: brings the compose stack up with Docker Compose and waits until it has data.
 * @module
 */
import { fileURLToPath } from "node:url";
import { COMMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { Engine } from "./lib/engine/engine.ts";
import { runProgram } from "./lib/stack/program.ts";
import { runUp } from "./lib/stack/run_up.ts";
import { PRESETS, stackLayout } from "./lib/stack/stack_layout.ts";
import { ConsoleReporter } from "./lib/stack/step_reporter.ts";
import { UsageError } from "./lib/usage_error.ts";

await runCommand({
  usage: `Usage: deno task up [--dry-run] [--preset P] [--data DIR] [--grafana-password PW]
                    [--gpu | --no-gpu] [--timeout SECONDS] [--json] [--config PATH]

Brings the compose stack up with Docker Compose, first run included, and waits until the
dashboard has data:
  the stack's token: breakwater's own (api.tokenFile, BREAKWATER_TOKEN, or the one it generates),
    copied to compose/secrets/breakwater-token, yours alone (0600);
  compose/.env from .env.example (fresh secrets, the preset, the data folders, your user and
    group ids: the services that write files run as you), kept and brought up to date after;
  the data folders, yours alone (0700); compose/alertmanager/alertmanager.yml from its example;
  the Grafana plugin built when plugin/dist is missing or older than its sources;
  Ollama on the GPU when the engine has the NVIDIA runtime, else on CPU (COMPOSE_FILE in .env);
  the stack as Compose resolves it audited, each finding shown;
  whether breakwater answers the containers (their address, Host and token), and what to change;
  docker compose up --detach (or docker-compose), then every service healthy, breakwater scraped
    by Prometheus with the rules loaded, Grafana answering.
Run it again at any time: what is up to date is left alone.

  --dry-run              say what would be done, do nothing
  --preset P             ${PRESETS.join(" or ")}, for a new .env (default ollama-8gb)
  --data DIR             the data folder, for a new .env (default compose/data)
  --grafana-password PW  Grafana's admin password, for a new .env (default: a random one)
  --gpu, --no-gpu        Ollama on the GPU, or on CPU, whatever the engine offers
  --timeout SECONDS      how long to wait for the services and the data (default 300)
  --json                 print the steps and the outcome as JSON
  -c, --config           breakwater's config (default: ./breakwater.yaml, or BREAKWATER_CONFIG)
  --project DIR          the breakwater checkout holding compose/ and plugin/ (default: this one)

Exit status: 0 up (or planned, with --dry-run), 2 blocked (the message says by what).`,
  options: {
    ...COMMON_OPTIONS,
    "dry-run": { type: "boolean", default: false },
    preset: { type: "string", default: "ollama-8gb" },
    data: { type: "string" },
    "grafana-password": { type: "string" },
    gpu: { type: "boolean" },
    "no-gpu": { type: "boolean" },
    timeout: { type: "string", default: "300" },
    project: { type: "string" },
  },
  async run(values) {
    if (!(PRESETS as readonly string[]).includes(values.preset)) {
      throw new UsageError(`--preset must be ${PRESETS.join(" or ")}, got "${values.preset}"`);
    }
    if (values.gpu && values["no-gpu"]) throw new UsageError("--gpu and --no-gpu: choose one");
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
      gpu: values.gpu ? "gpu" : values["no-gpu"] ? "cpu" : "auto",
      waitMs: timeout * 1_000,
      user: { uid: Deno.uid() ?? 0, gid: Deno.gid() ?? 0 },
      runProgram,
    });
    if (values.json) console.log(JSON.stringify({ outcome, steps: report.steps }, null, 2));
    else if (outcome.status === "up") {
      console.log(`\nThe stack is up. Grafana: ${outcome.grafanaUrl} (login ${outcome.login}).`);
      if (outcome.gpu === false) console.log("Ollama runs on CPU (no GPU runtime on this engine).");
      console.log(
        'Look first at the "breakwater KPI" dashboard (the home page): the control panel on top,\n' +
          "the alert state under it, then VRAM and the containers' memory against their limits.",
      );
    }
    return outcome.status === "blocked" ? ExitCode.CouldNotRun : ExitCode.Ok;
  },
});
