import { createControlApiHandler } from "../api/control_api.ts";
import { isLoopback, serveApi } from "../api/serve_api.ts";
import { buildStatus } from "../api/status.ts";
import { resolveToken } from "../api/token.ts";
import { abortableSleep } from "../abortable_sleep.ts";
import { GpuWatchdog } from "../gpu/gpu_watchdog.ts";
import { type GpuSourceChoice, selectGpuReader } from "../gpu/select_reader.ts";
import { HealLoop } from "../heal/heal_loop.ts";
import { ContainerSampler } from "../health/container_sampler.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { createLogger } from "../log/logger.ts";
import { Metrics } from "../metrics/metrics.ts";
import { Notifier } from "../notify/notifier.ts";
import { ProbeLoop } from "../probes/probe_loop.ts";
import { isGpuOwner, isProtected } from "../selection/container_roles.ts";
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
  let notifier: Notifier | undefined;
  const onEntry = (entry: JournalEntry) => {
    failed ||= entry.result === "failed";
    metrics.recordEntry(entry);
    notifier?.notify(entry);
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
  const { config, engine, store, executor, journal } = context;
  notifier = new Notifier({
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
  const heal = options.heal && config.heal.enabled ? new HealLoop({ ...context, log }) : null;
  const gpuChoice = options.gpu && config.gpu.enabled
    ? await selectGpuReader({
      source: options.source ?? config.gpu.source,
      nvidiaSmi: config.gpu.nvidiaSmi,
      dcgmUrl: config.gpu.dcgmUrl,
    })
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
      onTick: ({ observation, plan }) => {
        metrics.observeGpu(observation.sample, observation.attribution, plan.summary === null);
        metrics.observeWatchdog(plan.state, config.gpu);
      },
    })
    : null;
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
      await notifier.drain(config.notify.timeout);
      return failed ? ExitCode.Problems : ExitCode.Ok;
    }

    const stop = new AbortController();
    const serving = (options.api ?? true) && config.api.enabled;
    const sampler = new ContainerSampler(engine, config, () => store.current.gpu);
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
    const server = serving ? await startApi() : null;

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

    async function startApi() {
      const token = await resolveToken({
        tokenFile: config.api.tokenFile,
        stateDir: config.stateDir,
      });
      if (!isLoopback(config.api.host)) {
        log.log(
          "warn",
          `the control API listens on ${config.api.host}, reachable from other machines; ` +
            "every action still needs the token, but keep it on 127.0.0.1 unless Grafana runs elsewhere",
        );
      }
      const startedAt = Date.now();
      const engineStatus = () => ({
        reachable: engineError === undefined,
        address: engine.endpoint.address,
        ...(engineError ? { error: engineError } : {}),
      });
      const handler = createControlApiHandler({
        token: token.token,
        publicMetrics: config.api.publicMetrics,
        journal,
        healthz: () =>
          Promise.resolve({
            status: "ok",
            engine: engineStatus(),
            uptimeSeconds: Math.round((Date.now() - startedAt) / 1_000),
          }),
        async status() {
          if (Date.now() - sampler.latest.sampledAt > config.metricsInterval) {
            await sampler.sample().then(
              () => engineError = undefined,
              (error: Error) => engineError = error.message,
            );
          }
          return buildStatus({
            config,
            rows: sampler.latest.rows,
            engine: engineStatus(),
            gpu: {
              enabled: gpu !== null,
              source: gpu?.source ?? null,
              reason: gpuChoice?.reason ?? "GPU watchdog not running",
              observation: gpu?.latest?.observation ?? null,
            },
            gpuState: store.current.gpu,
            healState: store.current.heal,
            probes: [...probes.latest.values()],
            now: Date.now(),
          });
        },
        metrics: async () => ({ text: await metrics.text(), contentType: metrics.contentType }),
        findContainer: async (name) =>
          (await engine.list()).find((container) => container.name === name),
        untouchable: (container) =>
          isProtected(container, config.protected)
            ? "protected (label breakwater.protected=true or the protected list); breakwater never touches it"
            : isGpuOwner(container, config.gpu.owner)
            ? "the GPU owner (label breakwater.gpu-owner=true or gpu.owner); breakwater never touches it"
            : null,
        act: (action) => executor.execute({ ...action, stopTimeoutMs: config.heal.stopTimeout }),
        async setArmed(armed, actor) {
          await store.update((state) => ({
            state: { ...state, gpu: { ...state.gpu, armed } },
            result: undefined,
          }));
          metrics.observeWatchdog(store.current.gpu, config.gpu);
          return await executor.note({
            action: armed ? "watchdog-arm" : "watchdog-disarm",
            container: null,
            reason: armed
              ? "GPU watchdog armed"
              : "GPU watchdog disarmed: it reads and journals, acts on nothing",
            actor,
            result: "ok",
          });
        },
      });
      const server = serveApi(config.api.host, config.api.port, handler);
      log.log("info", `control API listening on ${server.url}`, {
        token: token.source === "BREAKWATER_TOKEN" ? "from BREAKWATER_TOKEN" : token.path,
      });
      return server;
    }
  } finally {
    gpuChoice?.reader?.close();
  }
}
