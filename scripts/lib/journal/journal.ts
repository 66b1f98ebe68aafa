import { dirname } from "node:path";
import type { JournalEntry } from "./journal_entry.ts";

/** Options for {@linkcode Journal.read}. */
export interface ReadJournalOptions {
  /** At most this many entries, the newest ones. */
  limit?: number;
  /** Only entries written at or after this time (ms since the epoch). */
  since?: number;
}

/**
 * The append-only action journal: one JSON object per line. Appends are queued so that lines
 * from concurrent actions never interleave.
 */
export class Journal {
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Appends one entry; resolves once it is written. */
  append(entry: JournalEntry): Promise<void> {
    const line = JSON.stringify(entry) + "\n";
    const write = this.#queue.then(async () => {
      await Deno.mkdir(dirname(this.path), { recursive: true });
      await Deno.writeTextFile(this.path, line, { append: true });
    });
    this.#queue = write.catch(() => {});
    return write;
  }

  /**
   * The newest entries, oldest first. A line that is not valid JSON (a torn write from a
   * crash) is skipped rather than failing the read.
   */
  async read(options: ReadJournalOptions = {}): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    const entries = text.split("\n").flatMap((line) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line) as JournalEntry];
      } catch {
        return [];
      }
    });
    const since = options.since;
    const recent = since === undefined
      ? entries
      : entries.filter((entry) => Date.parse(entry.time) >= since);
    return options.limit === undefined ? recent : recent.slice(-options.limit);
  }
}
