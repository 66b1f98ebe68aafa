import { createControlApiHandler } from "../api/control_api.ts";
import { type ApiServer, isLoopback, serveApi } from "../api/serve_api.ts";
import { buildStatus } from "../api/status.ts";
import { resolveToken } from "../api/token.ts";
import type { GpuWatchdog } from "../gpu/gpu_watchdog.ts";
import type { ContainerSampler } from "../health/container_sampler.ts";
import type { Logger } from "../log/logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { ProbeLoop } from "../probes/probe_loop.ts";
import { refusalReason, stopTimeoutFor } from "../selection/container_roles.ts";
import type { Context } from "./context.ts";

/** What the control API reads and acts through, inside the daemon. */
export interface ControlApiParts extends Context {
  log: Logger;
  metrics: Metrics;
  sampler: ContainerSampler;
  probes: ProbeLoop;
  gpu: GpuWatchdog | null;
  gpuReason: string;
  /** The engine's last error from the sampler, or `undefined` while it answers. */
  engineError(): string | undefined;
  setEngineError(error: string | undefined): void;
}

/**
 * Resolves the token and serves the control API on `api.host:api.port`, its actions going through
 * the daemon's executor and journal. Warns when the address is reachable from other machines.
 */
export async function startControlApi(parts: ControlApiParts): Promise<ApiServer> {
  const { config, engine, store, executor, journal, metrics, sampler, log } = parts;
  const token = await resolveToken({ tokenFile: config.api.tokenFile, stateDir: config.stateDir });
  if (!isLoopback(config.api.host)) {
    log.log(
      "warn",
      `the control API listens on ${config.api.host}, reachable from other machines; every request ` +
        "still needs the token, but keep it on 127.0.0.1 unless Grafana runs elsewhere",
    );
  }
  const startedAt = Date.now();
  const engineStatus = () => {
    const error = parts.engineError();
    return {
      reachable: error === undefined,
      address: engine.endpoint.address,
      ...(error ? { error } : {}),
    };
  };
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
          () => parts.setEngineError(undefined),
          (error: Error) => parts.setEngineError(error.message),
        );
      }
      return buildStatus({
        config,
        rows: sampler.latest.rows,
        engine: engineStatus(),
        gpu: {
          enabled: parts.gpu !== null,
          source: parts.gpu?.source ?? null,
          reason: parts.gpuReason,
          observation: parts.gpu?.latest?.observation ?? null,
        },
        gpuState: store.current.gpu,
        healState: store.current.heal,
        probes: [...parts.probes.latest.values()],
        now: Date.now(),
      });
    },
    metrics: async () => ({ text: await metrics.text(), contentType: metrics.contentType }),
    findContainer: async (name) =>
      (await engine.list()).find((container) => container.name === name),
    untouchable: (container) =>
      refusalReason(container, { protected: config.protected, gpuOwner: config.gpu.owner }),
    act: ({ labels, ...action }) =>
      executor.execute({
        ...action,
        stopTimeoutMs: stopTimeoutFor(
          { name: action.container.name, labels },
          config.heal.stopTimeout,
        ),
      }),
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
