import { join } from "node:path";
import { loadConfig } from "../config/load_config.ts";
import type { Config } from "../config/schema.ts";
import { Engine } from "../engine/engine.ts";
import { Executor } from "../executor/executor.ts";
import { OllamaClient } from "../ollama/ollama_client.ts";
import { Journal } from "../journal/journal.ts";
import type { Logger } from "../log/logger.ts";
import { Faults } from "../runtime/faults.ts";
import { StateStore } from "../state/state_store.ts";

/** The journal's file name inside the state directory. */
export const JOURNAL_FILE = "journal.jsonl";
/** The state's file name inside the state directory. */
export const STATE_FILE = "state.json";

/** Everything a command that acts needs, wired once. */
export interface Context {
  config: Config;
  configPath?: string;
  engine: Engine;
  journal: Journal;
  store: StateStore;
  executor: Executor;
  faults: Faults;
  /** `null` when the GPU ladder has no Ollama rung. */
  ollama: OllamaClient | null;
}

/** Options for {@linkcode openContext}. */
export interface OpenContextOptions {
  configPath?: string;
  /** `--dry-run`; also on when the config says `dryRun: true`. */
  dryRun?: boolean;
  log: Logger;
}

/** Loads the config and wires engine, journal, state and executor from it. */
export async function openContext(options: OpenContextOptions): Promise<Context> {
  const { config, path } = await loadConfig({ path: options.configPath });
  const dryRun = options.dryRun || config.dryRun;
  const engine = Engine.connect(config.docker.host);
  // Failed state and journal writes are raised here, and cleared once writing works again.
  const faults = new Faults();
  const journalPath = join(config.stateDir, JOURNAL_FILE);
  const journal: Journal = new Journal(journalPath, {
    maxBytes: config.journal.maxSize,
    keep: config.journal.keep,
    onWriteFailed: (error, pending) =>
      faults.raise(
        "journal",
        `cannot write the journal ${journalPath}: ${error.message}; ${pending} entr${
          pending === 1 ? "y waits" : "ies wait"
        } in memory and will be written` +
          (journal.dropped > 0 ? `; ${journal.dropped} older ones dropped to bound memory` : ""),
      ),
    onWriteRecovered: () => faults.clear("journal"),
  });
  const statePath = join(config.stateDir, STATE_FILE);
  const store = await StateStore.open(statePath, {
    persist: !dryRun,
    onWarning: (message) => options.log.log("warn", message),
    onWriteFailed: (error) =>
      faults.raise(
        "state",
        `cannot write the state ${statePath}: ${error.message}; carrying on from memory, retrying`,
      ),
    onWriteRecovered: () => faults.clear("state"),
  });
  const ollama = config.gpu.ladder.includes("unload-ollama-models")
    ? new OllamaClient(config.gpu.ollama.url, config.gpu.ollama.timeout)
    : null;
  const executor = new Executor({
    engine,
    journal,
    store,
    dryRun,
    ollama: ollama ?? undefined,
  });
  return {
    config: { ...config, dryRun },
    configPath: path,
    engine,
    journal,
    store,
    executor,
    faults,
    ollama,
  };
}
