import { abortableSleep } from "../abortable_sleep.ts";
import { toListing } from "../engine/container_snapshot.ts";
import { GpuWatchdog } from "../gpu/gpu_watchdog.ts";
import { type GpuSourceChoice, readerSettingsFor, selectGpuReader } from "../gpu/select_reader.ts";
import { HEAL_EVENTS, HealLoop } from "../heal/heal_loop.ts";
import { ContainerSampler } from "../health/mod.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { Metrics } from "../metrics/metrics.ts";
import { Notifier } from "../notify/notifier.ts";
import { ProbeLoop } from "../probes/probe_loop.ts";
import { probeReactions } from "../probes/probe_reactions.ts";
import { Faults } from "../runtime/faults.ts";
import { engineReachability, Runtime } from "../runtime/runtime.ts";
import { type Context, describeEntry, openContext } from "./context.ts";
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
  let failed = false;
  // Journaled too, but for the journal's own faults, which its pending entries already show.
  const journalFault = (action: string, kind: string, reason: string) => {
    if (kind !== "journal") notePolicy(context, action, reason, { fault: kind });
  };
  const faults = new Faults({
    onRaised: (fault, first) => {
      metrics.recordFault(fault.kind);
      if (!first) return;
      log.log("error", fault.message, { fault: fault.kind });
      journalFault("fault", fault.kind, fault.message);
    },
    onCleared: (fault) => {
      metrics.clearFault(fault.kind);
      const message = `${fault.kind}: working again after ${fault.count} failure(s)`;
      log.log("info", message, { fault: fault.kind });
      journalFault("fault-cleared", fault.kind, message);
    },
  });
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
  // Faults are raised only by writes, which start after the context is open.
  const context: Context = await openContext({
    configPath: options.configPath,
    dryRun: options.dryRun,
    log,
    onEntry,
    faults,
  });
  const { config, engine, executor } = context;
  if (!options.once) await markRecentActions(context, metrics, log);
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
  // Unreachable, one pass is one clear line and exit 2; the daemon waits for the engine instead.
  const onceInfo = options.once ? await engine.info() : null;

  const heal = options.heal && config.heal.enabled
    ? new HealLoop({
      engine,
      executor,
      state: () => context.store.current,
      config,
      log,
      engineHealth: engineReachability(faults),
    })
    : null;
  const runtime: Runtime = new Runtime({
    context,
    log,
    awaitsFirstPass: heal !== null,
    subscribers: heal
      ? [{
        actions: HEAL_EVENTS,
        onEvent: (event) => void heal.onEvent(event),
        onConnected: () =>
          void heal.onConnected().then((passed) => passed && runtime.firstPassDone()),
      }]
      : [],
  });
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
      onTick: ({ observation, plan }) => {
        metrics.observeGpu(observation.sample, observation.attribution, plan.summary === null);
        metrics.observeWatchdog(plan.state, config.gpu);
      },
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
      return await runOnce({ context, log, heal, gpu, notifier, version, failed: () => failed });
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
  failed: () => boolean;
}

async function runOnce({ context, log, heal, gpu, notifier, version, failed }: OnceParts) {
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
  return failed() || unsaved.length > 0 ? ExitCode.Problems : ExitCode.Ok;
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
  // Served before the engine answers, so that /healthz can say what the daemon waits for.
  const server = serving
    ? await startControlApi({
      ...context,
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
      const sampleLoop = async () => {
        while (!stop.signal.aborted) {
          try {
            metrics.observeContainers(await sampler.sample());
            metrics.observeWatchdog(store.current.gpu, config.gpu);
            runtime.engineHealth.reachable();
          } catch (error) {
            metrics.engineDown();
            runtime.engineHealth.unreachable(error);
          }
          await abortableSleep(config.metricsInterval, stop.signal);
        }
      };
      await Promise.all([
        runtime.run(stop.signal),
        heal?.run(stop.signal),
        gpu?.run(stop.signal),
        serving ? sampleLoop() : undefined,
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

/** How far back the journal's actions are drawn again when the daemon starts. */
const ACTION_MARKS_SINCE_MS = 24 * 60 * 60 * 1_000;

/**
 * Marks the last day's actions for annotations, so one taken just before a restart still reaches
 * the dashboards' graphs (its series carries its own time).
 */
async function markRecentActions(context: Context, metrics: Metrics, log: Logger): Promise<void> {
  try {
    const entries = await context.journal.read({ since: Date.now() - ACTION_MARKS_SINCE_MS });
    for (const entry of entries) metrics.markAction(entry);
  } catch (error) {
    log.log("warn", `cannot read the journal to mark recent actions: ${(error as Error).message}`);
  }
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

/** Journals what the daemon itself noticed, about no container in particular. */
function notePolicy(
  context: Context,
  action: string,
  reason: string,
  details: Record<string, unknown>,
): void {
  void context.executor.note({
    action,
    container: null,
    reason,
    actor: "policy",
    result: "noted",
    details,
  });
}
