import { join } from "node:path";
import { loadConfig } from "../config/load_config.ts";
import type { Config } from "../config/schema.ts";
import { Engine } from "../engine/engine.ts";
import { Executor } from "../executor/executor.ts";
import { OllamaClient } from "../gpu/ollama_client.ts";
import { Journal } from "../journal/journal.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import type { Logger } from "../log/logger.ts";
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
  /** `null` when the GPU ladder has no Ollama rung. */
  ollama: OllamaClient | null;
}

/** Options for {@linkcode openContext}. */
export interface OpenContextOptions {
  configPath?: string;
  /** `--dry-run`; also on when the config says `dryRun: true`. */
  dryRun?: boolean;
  log: Logger;
  onEntry?: (entry: JournalEntry) => void;
}

/** Loads the config and wires engine, journal, state and executor from it. */
export async function openContext(options: OpenContextOptions): Promise<Context> {
  const { config, path } = await loadConfig({ path: options.configPath });
  const dryRun = options.dryRun || config.dryRun;
  const engine = Engine.connect(config.docker.host);
  const journal = new Journal(join(config.stateDir, JOURNAL_FILE));
  const store = await StateStore.open(join(config.stateDir, STATE_FILE), {
    persist: !dryRun,
    onWarning: (message) => options.log.log("warn", message),
  });
  const ollama = config.gpu.ladder.includes("unload-ollama-models")
    ? new OllamaClient(config.gpu.ollama.url, config.gpu.ollama.timeout)
    : null;
  const executor = new Executor({
    engine,
    journal,
    dryRun,
    ollama: ollama ?? undefined,
    onEntry: options.onEntry,
  });
  return {
    config: { ...config, dryRun },
    configPath: path,
    engine,
    journal,
    store,
    executor,
    ollama,
  };
}

/** Journal entries are the only output of a pass worth a line each. */
export function describeEntry(entry: JournalEntry): string {
  const target = entry.container?.name ?? "-";
  const error = entry.error ? ` (${entry.error})` : "";
  return `${entry.action} ${target}: ${entry.result}${error} — ${entry.reason}`;
}
