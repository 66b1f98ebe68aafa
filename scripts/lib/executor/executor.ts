import type { Engine } from "../engine/engine.ts";
import type { OllamaClient } from "../gpu/ollama_client.ts";
import type { Journal } from "../journal/journal.ts";
import type { JournalEntry, JournalResult } from "../journal/journal_entry.ts";

/** What can be done to a container. */
export type ContainerActionKind = "restart" | "pause" | "unpause" | "stop" | "start";

/** A change to one container, decided by a policy or asked for by a person. */
export interface ContainerAction {
  kind: ContainerActionKind;
  container: { name: string; id: string };
  reason: string;
  /** `policy`, or the person who asked. */
  actor: string;
  details?: Record<string, unknown>;
  /** For `restart` and `stop`: how long the engine waits before it kills. */
  stopTimeoutMs?: number;
}

/** Unloading a model from Ollama's memory. */
export interface ModelUnload {
  model: string;
  reason: string;
  actor: string;
  details?: Record<string, unknown>;
}

/** A decision that changes nothing but belongs in the journal (a skip, a give-up). */
export interface JournalNote {
  action: string;
  container: { name: string; id: string } | null;
  reason: string;
  actor: string;
  result: JournalResult;
  details?: Record<string, unknown>;
}

/** Options for {@linkcode Executor}. */
export interface ExecutorOptions {
  engine: Engine;
  journal: Journal;
  /** Needed to unload models; without it an unload is journaled as failed. */
  ollama?: OllamaClient;
  /** Decide and journal, change nothing. */
  dryRun: boolean;
  /** Called with every entry once it is journaled (metrics, notifications, output). */
  onEntry?: (entry: JournalEntry) => void;
  now?: () => number;
}

/**
 * The only part of breakwater that changes anything. Each action is carried out (unless dry-run)
 * and journaled with its result, whether it worked or not; it never throws for a failed action.
 */
export class Executor {
  readonly #options: ExecutorOptions;

  constructor(options: ExecutorOptions) {
    this.#options = options;
  }

  /** Whether actions are only decided and journaled. */
  get dryRun(): boolean {
    return this.#options.dryRun;
  }

  /** Carries out an action and journals it; the entry tells how it went. */
  execute(action: ContainerAction): Promise<JournalEntry> {
    return this.#act(
      { ...action, action: action.kind },
      () => this.#perform(action),
    );
  }

  /** Asks Ollama to unload a model, and journals it. */
  unloadModel(unload: ModelUnload): Promise<JournalEntry> {
    return this.#act(
      {
        action: "unload-model",
        container: null,
        reason: unload.reason,
        actor: unload.actor,
        details: { model: unload.model, ...unload.details },
      },
      () => {
        if (!this.#options.ollama) throw new Error("no Ollama client configured");
        return this.#options.ollama.unload(unload.model);
      },
    );
  }

  /** Journals a decision that needs no engine call. */
  note(note: JournalNote): Promise<JournalEntry> {
    const now = this.#options.now ?? Date.now;
    return this.#write({
      time: new Date(now()).toISOString(),
      action: note.action,
      container: note.container,
      reason: note.reason,
      details: note.details ?? {},
      actor: note.actor,
      result: note.result,
    });
  }

  async #act(
    what: Pick<JournalEntry, "action" | "container" | "reason" | "actor"> & {
      details?: Record<string, unknown>;
    },
    perform: () => Promise<void>,
  ): Promise<JournalEntry> {
    const now = this.#options.now ?? Date.now;
    const requestedAt = now();
    let result: JournalResult = "dry-run";
    let error: string | undefined;
    if (!this.#options.dryRun) {
      try {
        await perform();
        result = "ok";
      } catch (cause) {
        result = "failed";
        error = cause instanceof Error ? cause.message : String(cause);
      }
    }
    return await this.#write({
      time: new Date(now()).toISOString(),
      action: what.action,
      container: what.container,
      reason: what.reason,
      details: { ...what.details, requestedAt: new Date(requestedAt).toISOString() },
      actor: what.actor,
      result,
      ...(error === undefined ? {} : { error }),
      durationMs: Math.round(now() - requestedAt),
    });
  }

  #perform({ kind, container, stopTimeoutMs = 10_000 }: ContainerAction): Promise<void> {
    const engine = this.#options.engine;
    switch (kind) {
      case "restart":
        return engine.restart(container.id, stopTimeoutMs);
      case "stop":
        return engine.stop(container.id, stopTimeoutMs);
      case "start":
        return engine.start(container.id);
      case "pause":
        return engine.pause(container.id);
      case "unpause":
        return engine.unpause(container.id);
    }
  }

  async #write(entry: JournalEntry): Promise<JournalEntry> {
    await this.#options.journal.append(entry);
    this.#options.onEntry?.(entry);
    return entry;
  }
}
