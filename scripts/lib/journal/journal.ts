import { dirname } from "node:path";
import type { JournalEntry } from "./journal_entry.ts";

/** Options for {@linkcode Journal.read}. */
export interface ReadJournalOptions {
  /** At most this many entries, the newest ones. */
  limit?: number;
  /** Only entries written at or after this time (ms since the epoch). */
  since?: number;
}

/** Options for {@linkcode Journal}. */
export interface JournalOptions {
  /** Told when a write fails (entries are kept and written later) and when writing works again. */
  onWriteFailed?: (error: Error, pending: number) => void;
  onWriteRecovered?: () => void;
  /** Entries kept in memory while the file cannot be written; past that the oldest are dropped. */
  maxPending?: number;
}

/** Entries kept in memory while the journal cannot be written, by default. */
const MAX_PENDING = 50_000;

/**
 * The append-only action journal: one JSON object per line. Appends are queued so that lines
 * from concurrent actions never interleave. A write that fails is undone (the file is cut back to
 * where it was) and its entries are kept in memory, readable, and written first by the next
 * append or {@linkcode Journal.flush}: nothing is lost while the disk is full or read-only. A torn
 * last line left by a crash is ended before the next append, so it cannot swallow a new entry.
 */
export class Journal {
  readonly #options: JournalOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #pending: JournalEntry[] = [];
  #failing = false;
  /** Whether the file's end has been checked for a torn line since it was last written. */
  #tailChecked = false;
  #dropped = 0;

  constructor(readonly path: string, options: JournalOptions = {}) {
    this.#options = options;
  }

  /** Entries waiting to be written because the file could not be. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Entries dropped because too many were waiting (the disk never came back). */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Appends one entry. Resolves `true` once it is on disk, `false` when the file could not be
   * written and the entry waits in memory for the next attempt. Never rejects.
   */
  append(entry: JournalEntry): Promise<boolean> {
    return this.#enqueue(() => {
      this.#pending.push(entry);
      const limit = this.#options.maxPending ?? MAX_PENDING;
      if (this.#pending.length > limit) {
        this.#dropped += this.#pending.length - limit;
        this.#pending.splice(0, this.#pending.length - limit);
      }
      return this.#writePending();
    });
  }

  /** Writes the entries waiting in memory, if any; resolves whether none are left waiting. */
  flush(): Promise<boolean> {
    return this.#enqueue(() => this.#pending.length === 0 ? true : this.#writePending());
  }

  /**
   * The newest entries, oldest first, those waiting to be written included. A line that is not
   * valid JSON (a torn write from a crash) is skipped rather than failing the read.
   */
  async read(options: ReadJournalOptions = {}): Promise<JournalEntry[]> {
    let text = "";
    try {
      text = await Deno.readTextFile(this.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const written = text.split("\n").flatMap((line) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line) as JournalEntry];
      } catch {
        return [];
      }
    });
    const entries = [...written, ...this.#pending];
    const since = options.since;
    const recent = since === undefined
      ? entries
      : entries.filter((entry) => Date.parse(entry.time) >= since);
    return options.limit === undefined ? recent : recent.slice(-options.limit);
  }

  #enqueue(work: () => Promise<boolean> | boolean): Promise<boolean> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #writePending(): Promise<boolean> {
    const entries = this.#pending;
    try {
      await this.#write(entries.map((entry) => JSON.stringify(entry) + "\n").join(""));
    } catch (error) {
      this.#tailChecked = false;
      this.#options.onWriteFailed?.(error as Error, entries.length);
      this.#failing = true;
      return false;
    }
    this.#pending = this.#pending.slice(entries.length);
    if (this.#failing) {
      this.#failing = false;
      this.#options.onWriteRecovered?.();
    }
    return true;
  }

  /** Appends `text` whole or not at all. */
  async #write(text: string): Promise<void> {
    await Deno.mkdir(dirname(this.path), { recursive: true });
    const file = await Deno.open(this.path, {
      read: true,
      append: true,
      create: true,
      mode: 0o600,
    });
    try {
      const { size } = await file.stat();
      let bytes = new TextEncoder().encode(text);
      if (!this.#tailChecked && size > 0 && !await endsWithNewline(file, size)) {
        bytes = new TextEncoder().encode("\n" + text);
      }
      try {
        let written = 0;
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
      } catch (error) {
        // A partial write would leave a torn line and, once retried, duplicates.
        await file.truncate(size).catch(() => {});
        throw error;
      }
      this.#tailChecked = true;
    } finally {
      file.close();
    }
  }
}

async function endsWithNewline(file: Deno.FsFile, size: number): Promise<boolean> {
  await file.seek(size - 1, Deno.SeekMode.Start);
  const last = new Uint8Array(1);
  await file.read(last);
  return last[0] === 0x0a;
}
