import { abortableSleep } from "../abortable_sleep.ts";
import { ContainerDirectory } from "../engine/container_directory.ts";
import { GpuWatchdog } from "../gpu/gpu_watchdog.ts";
import { type GpuSourceChoice, readerSettingsFor, selectGpuReader } from "../gpu/select_reader.ts";
import { HealLoop } from "../heal/heal_loop.ts";
import { ContainerSampler } from "../health/container_sampler.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { createLogger } from "../log/logger.ts";
import { Metrics } from "../metrics/metrics.ts";
import { Notifier } from "../notify/notifier.ts";
import { ProbeLoop } from "../probes/probe_loop.ts";
import { describeEntry, openContext } from "./context.ts";
import { startControlApi } from "./control_api_server.ts";
import { ExitCode } from "./exit_code.ts";

/** However quiet the engine's events, the directory of containers is read afresh this often. */
const DIRECTORY_MAX_AGE_MS = 60_000;

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
  /** Serve the control API, probe and sample for metrics (when the config has the API enabled). */
  api?: boolean;
  /** `--source`, overriding `gpu.source`. */
  source?: GpuSourceChoice;
}

/**
 * Runs breakwater's loops as a command: one pass of each with `once`; else the heal loop, the GPU
 * watchdog, the container sampler, the probes and the control API until SIGINT/SIGTERM, after
 * which work in flight finishes and the state is on disk before it returns.
 */
export async function runDaemon(options: RunDaemonOptions): Promise<number> {
  const log = createLogger({ json: options.json, verbose: options.verbose });
  const metrics = new Metrics();
  let failed = false;
  const onEntry = (entry: JournalEntry) => {
    failed ||= entry.result === "failed";
    metrics.recordEntry(entry);
    notifier.notify(entry);
    log.log(entry.result === "failed" ? "error" : "info", describeEntry(entry), {
      container: entry.container?.name,
      result: entry.result,
      actor: entry.actor,
    });
  };
  const context = await openContext({
    configPath: options.configPath,
    dryRun: options.dryRun,
    log,
    onEntry,
  });
  const { config, engine, store, executor } = context;
  const notifier = new Notifier({
    config: config.notify,
    onDelivery: (channel, result, entry, error) => {
      metrics.recordNotification(channel, result);
      if (result === "sent") return;
      void executor.note({
        action: "notify",
        container: entry.container,
        reason: `${channel} notification for "${entry.action}" ${result}${
          error ? `: ${error}` : ""
        }`,
        actor: "policy",
        result: result === "failed" ? "failed" : "skipped",
        details: { channel },
      });
    },
  });
  const engineInfo = await engine.info();
  // Watching, the loops read containers from a directory that events keep current; one pass lists
  // them from the engine directly.
  const directory = new ContainerDirectory(engine, {
    concurrency: config.docker.concurrency,
    maxAgeMs: DIRECTORY_MAX_AGE_MS,
  });
  const heal = options.heal && config.heal.enabled ? new HealLoop({ ...context, log }) : null;
  const gpuChoice = options.gpu && config.gpu.enabled
    ? await selectGpuReader(readerSettingsFor(config.gpu, options.source))
    : null;
  if (gpuChoice) {
    log.log(
      gpuChoice.reader ? "info" : "warn",
      `GPU watchdog ${
        gpuChoice.reader ? `reading from ${gpuChoice.reason}` : `off: ${gpuChoice.reason}`
      }`,
    );
  }
  const gpu = gpuChoice?.reader
    ? new GpuWatchdog({
      ...context,
      log,
      reader: gpuChoice.reader,
      listContainers: options.once ? undefined : () => directory.listing(),
      onTick: ({ observation, plan }) => {
        metrics.observeGpu(observation.sample, observation.attribution, plan.summary === null);
        metrics.observeWatchdog(plan.state, config.gpu);
      },
    })
    : null;
  const serving = !options.once && (options.api ?? true) && config.api.enabled;
  if (!heal && !gpu && !serving) {
    log.log(
      "error",
      "nothing to run: healing, the GPU watchdog and the control API are all off or unavailable",
    );
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
      await notifier.drain(config.notify.timeout);
      return failed ? ExitCode.Problems : ExitCode.Ok;
    }

    const stop = new AbortController();
    const sampler = new ContainerSampler(engine, directory, config, () => store.current.gpu);
    let engineError: string | undefined;
    const sampleLoop = async () => {
      while (!stop.signal.aborted) {
        try {
          metrics.observeContainers(await sampler.sample());
          metrics.observeWatchdog(store.current.gpu, config.gpu);
          engineError = undefined;
        } catch (error) {
          metrics.engineDown();
          engineError = (error as Error).message;
        }
        await abortableSleep(config.metricsInterval, stop.signal);
      }
    };
    const probes = new ProbeLoop({
      probes: config.probes,
      intervalMs: config.probeInterval,
      onResult: (result) => metrics.observeProbe(result),
      onDown: (probe, result) =>
        void heal?.healByProbe(probe.healContainer!, {
          probe: probe.name,
          url: probe.url,
          error: result.error ?? `status ${result.status}`,
        }),
    });
    const server = serving
      ? await startControlApi({
        ...context,
        log,
        metrics,
        sampler,
        probes,
        gpu,
        gpuReason: gpuChoice?.reason ?? "GPU watchdog not running",
        engineError: () => engineError,
        setEngineError: (error) => engineError = error,
      })
      : null;

    const onSignal = () => {
      log.log("info", "stopping: finishing work in flight");
      stop.abort();
    };
    const signals: Deno.Signal[] = Deno.build.os === "windows"
      ? ["SIGINT", "SIGBREAK"]
      : ["SIGINT", "SIGTERM"];
    for (const signal of signals) Deno.addSignalListener(signal, onSignal);
    try {
      await Promise.all([
        gpu || serving ? directory.run(stop.signal) : undefined,
        heal?.run(stop.signal),
        gpu?.run(stop.signal),
        serving ? sampleLoop() : undefined,
        serving ? probes.run(stop.signal) : undefined,
      ]);
    } finally {
      for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
      await server?.shutdown();
      await notifier.drain(config.notify.timeout);
    }
    log.log("info", "stopped; state saved", { state: store.path });
    return ExitCode.Ok;
  } finally {
    gpuChoice?.reader?.close();
  }
}
