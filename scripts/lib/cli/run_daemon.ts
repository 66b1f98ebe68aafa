import { GpuWatchdog } from "../gpu/gpu_watchdog.ts";
import { type GpuSourceChoice, selectGpuReader } from "../gpu/select_reader.ts";
import { HealLoop } from "../heal/heal_loop.ts";
import { createLogger } from "../log/logger.ts";
import { describeEntry, openContext } from "./context.ts";
import { ExitCode } from "./exit_code.ts";

/** Options for {@linkcode runDaemon}. */
export interface RunDaemonOptions {
  configPath?: string;
  /** One pass, then return. */
  once: boolean;
  dryRun: boolean;
  json: boolean;
  verbose: boolean;
  /** Run the heal loop (when the config has it enabled). */
  heal: boolean;
  /** Run the GPU watchdog (when the config has it enabled). */
  gpu: boolean;
  /** `--source`, overriding `gpu.source`. */
  source?: GpuSourceChoice;
}

/**
 * Runs breakwater's loops as a command: one pass of each with `once`, else until SIGINT/SIGTERM,
 * after which work in flight finishes and the state is on disk before it returns.
 */
export async function runDaemon(options: RunDaemonOptions): Promise<number> {
  const log = createLogger({ json: options.json, verbose: options.verbose });
  let failed = false;
  const context = await openContext({
    configPath: options.configPath,
    dryRun: options.dryRun,
    log,
    onEntry: (entry) => {
      failed ||= entry.result === "failed";
      log.log(entry.result === "failed" ? "error" : "info", describeEntry(entry), {
        container: entry.container?.name,
        result: entry.result,
      });
    },
  });
  const { config, engine } = context;
  const engineInfo = await engine.info();
  const heal = options.heal && config.heal.enabled ? new HealLoop({ ...context, log }) : null;
  const gpu = options.gpu && config.gpu.enabled ? await startGpuWatchdog() : null;
  if (!heal && !gpu) {
    log.log("error", "nothing to run: healing and the GPU watchdog are both off or unavailable");
    return ExitCode.CouldNotRun;
  }
  log.log("info", "breakwater started", {
    config: context.configPath ?? "(defaults)",
    stateDir: config.stateDir,
    engine: `${engine.endpoint.address} (Docker ${engineInfo.version})`,
    dryRun: config.dryRun,
    mode: options.once ? "once" : "watch",
    heal: heal !== null,
    gpu: gpu !== null,
  });
  try {
    if (options.once) {
      const pass = heal ? await heal.reconcile() : null;
      if (pass) log.log("info", `heal: checked ${pass.containers} containers`);
      const tick = gpu ? await gpu.tick() : null;
      if (tick) {
        const summary = tick.plan.summary;
        log.log(
          "info",
          summary
            ? `gpu: VRAM ${
              summary.vramPercent.toFixed(1)
            } %, utilization ${summary.utilizationPercent} %, ` +
              `streak ${tick.plan.state.highStreak}/${config.gpu.streak}${
                tick.plan.state.tripped ? ", tripped" : ""
              }`
            : `gpu: reading unknown (${
              tick.observation.sample.ok ? "partial" : tick.observation.sample.error
            })`,
        );
      }
      return failed ? ExitCode.Problems : ExitCode.Ok;
    }
    const stop = new AbortController();
    const onSignal = () => {
      log.log("info", "stopping: finishing work in flight");
      stop.abort();
    };
    const signals: Deno.Signal[] = Deno.build.os === "windows"
      ? ["SIGINT", "SIGBREAK"]
      : ["SIGINT", "SIGTERM"];
    for (const signal of signals) Deno.addSignalListener(signal, onSignal);
    try {
      await Promise.all([heal?.run(stop.signal), gpu?.run(stop.signal)]);
    } finally {
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    }
    log.log("info", "stopped; state saved", { state: context.store.path });
    return ExitCode.Ok;
  } finally {
    gpu?.close();
  }

  async function startGpuWatchdog() {
    const choice = await selectGpuReader({
      source: options.source ?? config.gpu.source,
      nvidiaSmi: config.gpu.nvidiaSmi,
      dcgmUrl: config.gpu.dcgmUrl,
    });
    if (!choice.reader) {
      log.log("warn", `GPU watchdog off: ${choice.reason}`);
      return null;
    }
    const reader = choice.reader;
    log.log("info", `GPU watchdog reading from ${choice.reason}`);
    const watchdog = new GpuWatchdog({ ...context, log, reader });
    return Object.assign(watchdog, { close: () => reader.close() });
  }
}
