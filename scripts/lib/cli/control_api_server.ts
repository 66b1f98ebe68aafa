import { createControlApiHandler } from "../api/control_api.ts";
import { type ApiServer, isLoopback, serveApi } from "../api/serve_api.ts";
import { buildStatus } from "../api/status.ts";
import { resolveToken } from "../api/token.ts";
import type { Config } from "../config/schema.ts";
import type { Engine } from "../engine/engine.ts";
import type { Executor } from "../executor/executor.ts";
import type { GpuWatchdog } from "../gpu/gpu_watchdog.ts";
import { armWatchdog } from "../gpu/pressure_policy.ts";
import type { ContainerSampler } from "../health/mod.ts";
import type { Journal } from "../journal/journal.ts";
import type { Logger } from "../log/logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { ProbeLoop } from "../probes/probe_loop.ts";
import type { Faults } from "../runtime/faults.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { refusalReason, stopTimeoutFor } from "../selection/container_roles.ts";
import type { PersistedState } from "../state/persisted_state.ts";

/** What the control API reads and acts through, inside the daemon: it changes nothing itself. */
export interface ControlApiParts {
  config: Config;
  engine: Pick<Engine, "list" | "inspect">;
  /** Every action and note goes through it, and so does every change of the state. */
  executor: Pick<Executor, "execute" | "note">;
  journal: Pick<Journal, "read">;
  /** The state as it is now, read only. */
  state: () => PersistedState;
  faults: Pick<Faults, "raise" | "clear">;
  log: Logger;
  metrics: Pick<
    Metrics,
    "breakwaterRestarts" | "lastActions" | "text" | "contentType" | "observeWatchdog"
  >;
  sampler: Pick<ContainerSampler, "sample" | "latest">;
  probes: Pick<ProbeLoop, "latest">;
  runtime: Pick<Runtime, "health" | "engineHealth">;
  gpu: Pick<GpuWatchdog, "source" | "latest"> | null;
  gpuReason: string;
}

/**
 * Resolves the token and serves the control API on `api.host:api.port`, its actions going through
 * the daemon's executor and journal. Warns when the address is reachable from other machines.
 */
export async function startControlApi(parts: ControlApiParts): Promise<ApiServer> {
  const { config, engine, executor, journal, metrics, sampler, log, runtime } = parts;
  const token = await resolveToken({
    tokenFile: config.api.tokenFile,
    stateDir: config.stateDir,
    onWarning: (message) => log.log("warn", message),
  });
  if (!isLoopback(config.api.host)) {
    log.log(
      "warn",
      `the control API listens on ${config.api.host}, reachable from other machines; every request ` +
        "still needs the token, but keep it on 127.0.0.1 unless Grafana runs elsewhere",
    );
  }
  const engineStatus = () => runtime.health().engine;
  const handler = createControlApiHandler({
    token: token.token,
    publicMetrics: config.api.publicMetrics,
    journal,
    healthz: () => Promise.resolve(runtime.health()),
    async status() {
      // Answered from the latest sample; a stale one is refreshed behind the answer, so a slow
      // engine never holds the answer up. Only the very first answer waits for a sample.
      if (Date.now() - sampler.latest.sampledAt > config.metricsInterval) {
        const refresh = sampler.sample().then(
          () => runtime.engineHealth.reachable(),
          (error: Error) => runtime.engineHealth.unreachable(error),
        );
        if (sampler.latest.sampledAt === 0) await refresh;
      }
      return buildStatus({
        config,
        rows: sampler.latest.rows,
        rowsReadAt: sampler.latest.sampledAt || null,
        engine: engineStatus(),
        gpu: {
          enabled: parts.gpu !== null,
          source: parts.gpu?.source ?? null,
          reason: parts.gpuReason,
          observation: parts.gpu?.latest?.observation ?? null,
        },
        gpuState: parts.state().gpu,
        healState: parts.state().heal,
        breakwaterRestarts: metrics.breakwaterRestarts,
        lastActions: metrics.lastActions,
        probes: [...parts.probes.latest.values()],
        now: Date.now(),
      });
    },
    metrics: async () => ({ text: await metrics.text(), contentType: metrics.contentType }),
    findContainer: async (name) =>
      (await engine.list()).find((container) => container.name === name),
    untouchable: (container) =>
      refusalReason(container, { protected: config.protected, gpuOwner: config.gpu.owner }),
    async act({ labels, ...action }) {
      // The container's own stop timeout is only in its inspect answer; if that fails, the
      // engine's answer to the action itself says why.
      const own = action.kind === "restart" || action.kind === "stop"
        ? (await engine.inspect(action.container.id).catch(() => null))?.stopTimeoutMs
        : undefined;
      return await executor.execute({
        ...action,
        stopTimeoutMs: stopTimeoutFor(
          { name: action.container.name, labels, stopTimeoutMs: own },
          config.heal.stopTimeout,
        ),
      });
    },
    async setArmed(armed, actor) {
      const outcome = await executor.note({
        action: armed ? "watchdog-arm" : "watchdog-disarm",
        container: null,
        reason: armed
          ? "GPU watchdog armed"
          : "GPU watchdog disarmed: it reads and journals, acts on nothing",
        actor,
        result: "ok",
      }, (state) => ({ ...state, gpu: armWatchdog(state.gpu, armed) }));
      metrics.observeWatchdog(parts.state().gpu, config.gpu);
      return outcome;
    },
  });
  const server = serveApi({
    host: config.api.host,
    port: config.api.port,
    allowedHosts: config.api.allowedHosts,
    handler,
    onAcceptError: (error) =>
      parts.faults.raise("api", `the control API cannot accept connections: ${error.message}`),
    onAcceptRecovered: () => parts.faults.clear("api"),
    onConnectionError: (error) =>
      log.log("warn", `control API: a connection ended in an unforeseen error: ${error.message}`),
  });
  log.log("info", `control API listening on ${server.url}`, {
    token: token.source === "BREAKWATER_TOKEN" ? "from BREAKWATER_TOKEN" : token.path,
  });
  return server;
}
