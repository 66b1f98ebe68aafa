import { HealLoop } from "../heal/heal_loop.ts";
import { createLogger } from "../log/logger.ts";
import { describeEntry, openContext } from "./context.ts";
import { ExitCode } from "./exit_code.ts";

/** Options for {@linkcode runHeal}. */
export interface RunHealOptions {
  configPath?: string;
  /** One reconcile pass, then return. */
  once: boolean;
  dryRun: boolean;
  json: boolean;
  verbose: boolean;
}

/**
 * Runs the heal loop as a command: one pass with `once`, else until SIGINT/SIGTERM, after which
 * work in flight finishes and the state is on disk before it returns.
 */
export async function runHeal(options: RunHealOptions): Promise<number> {
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
  const loop = new HealLoop({ ...context, log });
  const engineInfo = await engine.info();
  log.log("info", "breakwater started", {
    config: context.configPath ?? "(defaults)",
    stateDir: config.stateDir,
    engine: `${engine.endpoint.address} (Docker ${engineInfo.version})`,
    dryRun: config.dryRun,
    mode: options.once ? "once" : "watch",
  });
  if (options.once) {
    const pass = await loop.reconcile();
    log.log(
      "info",
      `checked ${pass.containers} containers, ${pass.entries.length} journal entries`,
    );
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
    await loop.run(stop.signal);
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  }
  log.log("info", "stopped; state saved", { state: context.store.path });
  return ExitCode.Ok;
}
