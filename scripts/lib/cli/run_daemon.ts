import { toListing } from "../engine/container_snapshot.ts";
import { type EntryReactions, entryReactions } from "../executor/entry_reactions.ts";
import type { JournalNote } from "../executor/executor.ts";
import { GpuWatchdog } from "../gpu/gpu_watchdog.ts";
import { type GpuSourceChoice, readerSettingsFor, selectGpuReader } from "../gpu/select_reader.ts";
import { tickMetrics } from "../gpu/tick_reactions.ts";
import { HealLoop } from "../heal/heal_loop.ts";
import { healSubscription } from "../heal/heal_subscription.ts";
import { ContainerSampler } from "../health/mod.ts";
import { runSampleLoop } from "../health/sample_loop.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { Metrics } from "../metrics/metrics.ts";
import { markRecentActions } from "../metrics/recent_actions.ts";
import { deliveryReactions } from "../notify/delivery_reactions.ts";
import { Notifier } from "../notify/notifier.ts";
import { ProbeLoop } from "../probes/probe_loop.ts";
import { probeReactions } from "../probes/probe_reactions.ts";
import { faultReactions } from "../runtime/fault_reactions.ts";
import { engineReachability, Runtime } from "../runtime/runtime.ts";
import { type Context, openContext } from "./context.ts";
import { startControlApi } from "./control_api_server.ts";
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
  const context = await openContext({
    configPath: options.configPath,
    dryRun: options.dryRun,
    log,
  });
  const { config, engine, executor } = context;
  const note = (entry: JournalNote) => void executor.note(entry);
  const notifier = new Notifier({
    config: config.notify,
    onDelivery: deliveryReactions({ metrics, note }),
  });
  const entries = entryReactions({ metrics, notifier, log });
  executor.listen(entries.onEntry);
  context.faults.listen(faultReactions({ metrics, log, note }));
  if (!options.once) await markRecentActions({ journal: context.journal, metrics, log });
  // Unreachable, one pass is one clear line and exit 2; the daemon waits for the engine instead.
  const onceInfo = options.once ? await engine.info() : null;

  const heal = options.heal && config.heal.enabled
    ? new HealLoop({
      engine,
      executor,
      state: () => context.store.current,
      config,
      log,
      engineHealth: engineReachability(context.faults),
    })
    : null;
  const runtime = new Runtime({ context, log, awaitsFirstPass: heal !== null });
  if (heal) runtime.subscribe(healSubscription(heal, () => runtime.firstPassDone()));
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
      reader: gpuChoice.reader,
      executor,
      config,
      log,
      engineHealth: runtime.engineHealth,
      ollama: context.ollama,
      // Inspected, not listed: the stop rung needs each container's own stop timeout.
      listContainers: options.once
        ? async () => (await engine.snapshots(config.docker.concurrency)).map(toListing)
        : () => runtime.directory.listing(),
      onTick: tickMetrics(metrics, config.gpu),
    })
    : null;
  if (gpu) runtime.subscribe(gpu.resumeEvents);
  metrics.watchdogRuns(gpu !== null);
  const serving = !options.once && (options.api ?? true) && config.api.enabled;
  if (!heal && !gpu && !serving) {
    log.log("error", nothingToRun(options));
    return ExitCode.CouldNotRun;
  }

  try {
    if (options.once) {
      const version = onceInfo?.version;
      return await runOnce({ context, log, heal, gpu, notifier, version, entries });
    }
    return await watch({ context, log, metrics, runtime, heal, gpu, serving, notifier, gpuChoice });
  } finally {
    gpuChoice?.reader?.close();
  }
}

interface OnceParts {
  context: Context;
  log: Logger;
  heal: HealLoop | null;
  gpu: GpuWatchdog | null;
  notifier: Notifier;
  version?: string;
  entries: EntryReactions;
}

async function runOnce({ context, log, heal, gpu, notifier, version, entries }: OnceParts) {
  const { config } = context;
  started(log, context, "once", heal, gpu, version);
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
  const unsaved = context.faults.active().filter((fault) => fault.kind !== "engine");
  for (const fault of unsaved) log.log("error", `not saved: ${fault.message}`);
  return entries.anyFailed() || unsaved.length > 0 ? ExitCode.Problems : ExitCode.Ok;
}

interface WatchParts {
  context: Context;
  log: Logger;
  metrics: Metrics;
  runtime: Runtime;
  heal: HealLoop | null;
  gpu: GpuWatchdog | null;
  serving: boolean;
  notifier: Notifier;
  gpuChoice: { reason: string } | null;
}

async function watch(parts: WatchParts): Promise<number> {
  const { context, log, metrics, runtime, heal, gpu, serving, notifier } = parts;
  const { config, store, engine } = context;
  const sampler = new ContainerSampler(engine, runtime.directory, config, () => store.current);
  const probes = new ProbeLoop({
    probes: config.probes,
    intervalMs: config.probeInterval,
    onResult: (result) => metrics.observeProbe(result),
    ...probeReactions({ note: (note) => context.executor.note(note), heal }),
  });
  const state = () => store.current;
  // Served before the engine answers, so that /healthz can say what the daemon waits for.
  const server = serving
    ? await startControlApi({
      config,
      engine,
      executor: context.executor,
      journal: context.journal,
      state,
      faults: context.faults,
      log,
      metrics,
      sampler,
      probes,
      runtime,
      gpu,
      gpuReason: parts.gpuChoice?.reason ?? "GPU watchdog not running",
    })
    : null;
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
    const engineInfo = await runtime.waitForEngine(stop.signal);
    if (engineInfo) {
      started(log, context, "watch", heal, gpu, engineInfo.version);
      await Promise.all([
        runtime.run(stop.signal),
        heal?.run(stop.signal),
        gpu?.run(stop.signal),
        serving
          ? runSampleLoop({
            sampler,
            metrics,
            engineHealth: runtime.engineHealth,
            watchState: () => state().gpu,
            gpuConfig: config.gpu,
            intervalMs: config.metricsInterval,
          }, stop.signal)
          : undefined,
        serving ? probes.run(stop.signal) : undefined,
      ]);
    }
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    await server?.shutdown();
    await notifier.drain(config.notify.timeout);
    await runtime.flush();
  }
  const unsaved = context.faults.active().filter((fault) => fault.kind !== "engine");
  if (unsaved.length > 0) {
    for (const fault of unsaved) log.log("error", `stopped with work not saved: ${fault.message}`);
    return ExitCode.Problems;
  }
  log.log("info", "stopped; state saved", { state: store.path });
  return ExitCode.Ok;
}

function started(
  log: Logger,
  context: Context,
  mode: "once" | "watch",
  heal: HealLoop | null,
  gpu: GpuWatchdog | null,
  version?: string,
): void {
  const { config, engine } = context;
  log.log("info", "breakwater started", {
    config: context.configPath ?? "(defaults)",
    stateDir: config.stateDir,
    engine: `${engine.endpoint.address}${version ? ` (Docker ${version})` : ""}`,
    dryRun: config.dryRun,
    mode,
    heal: heal !== null,
    gpu: gpu !== null,
  });
}

/** Why the command has nothing to do, naming only what it was asked to run. */
export function nothingToRun(
  options: Pick<RunDaemonOptions, "heal" | "gpu" | "api" | "once">,
): string {
  const asked = [
    options.heal && "healing",
    options.gpu && "the GPU watchdog",
    !options.once && (options.api ?? true) && "the control API",
  ].filter((part): part is string => typeof part === "string");
  const listed = asked.length <= 1
    ? asked.join("")
    : `${asked.slice(0, -1).join(", ")} and ${asked.at(-1)}`;
  const verb = ["is", "is", "are both", "are all"][asked.length];
  return `nothing to run: ${listed} ${verb} off or unavailable`;
}
