import { basename, dirname, extname, join } from "node:path";
import type { JournalEntry } from "./journal_entry.ts";
import { linesBackward } from "./lines_backward.ts";

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
  /** The file is rotated before an append would take it past this size (bytes); never if unset. */
  maxBytes?: number;
  /** Rotated files kept (`journal.1.jsonl` newest … `journal.<keep>.jsonl`); 5 by default. */
  keep?: number;
}

/** Entries kept in memory while the journal cannot be written, by default. */
const MAX_PENDING = 50_000;
/** Rotated files kept, by default. */
const KEEP = 5;
/**
 * Entries are appended as actions end, by the daemon and by `--once` runs, under a clock that can
 * be set back: a few may stand out of time order. A read with `since` stops only after this many
 * older entries in a row.
 */
const OLDER_IN_A_ROW = 100;

/**
 * The append-only action journal: one JSON object per line. Appends are queued so that lines
 * from concurrent actions never interleave. A write that fails is undone (the file is cut back to
 * where it was) and its entries are kept in memory, readable, and written first by the next
 * append or {@linkcode Journal.flush}: nothing is lost while the disk is full or read-only. A torn
 * last line left by a crash is ended before the next append, so it cannot swallow a new entry.
 * Past `maxBytes` the file is rotated (`journal.jsonl` → `journal.1.jsonl` …, the oldest beyond
 * `keep` removed), and reads go from the newest entry back through the rotated files, reading
 * from the end: the last entries cost the same in a small journal as in a large one.
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
   * The newest entries, oldest first, those waiting to be written included, across the rotated
   * files. Lines are read from the end of each file and reading stops once `limit` entries (or
   * the first ones older than `since`) are found, so memory and time follow what is asked, not
   * the journal's size. A line that is not valid JSON (a torn write from a crash) is skipped.
   */
  async read(options: ReadJournalOptions = {}): Promise<JournalEntry[]> {
    const limit = options.limit ?? Infinity;
    const since = options.since;
    const newestFirst: JournalEntry[] = [];
    let olderInARow = 0;
    /** Takes one entry, newest first; `false` once nothing older is wanted. */
    const take = (entry: JournalEntry): boolean => {
      if (since !== undefined && Date.parse(entry.time) < since) {
        return ++olderInARow < OLDER_IN_A_ROW;
      }
      olderInARow = 0;
      newestFirst.push(entry);
      return newestFirst.length < limit;
    };
    for (let index = this.#pending.length - 1; index >= 0; index--) {
      if (!take(this.#pending[index])) return newestFirst.reverse();
    }
    const rotated = (await this.#rotated()).map(({ path }) => path);
    for (const path of [this.path, ...rotated]) {
      for await (const line of linesBackward(path)) {
        let entry: JournalEntry;
        try {
          entry = JSON.parse(line) as JournalEntry;
        } catch {
          continue;
        }
        if (!take(entry)) return newestFirst.reverse();
      }
    }
    return newestFirst.reverse();
  }

  /** The rotated files there are, newest first, whatever `keep` says now. */
  async #rotated(): Promise<{ number: number; path: string }[]> {
    const { stem, extension } = this.#nameParts();
    const numbered: { number: number; path: string }[] = [];
    try {
      for await (const item of Deno.readDir(dirname(this.path))) {
        const match = item.isFile && item.name.startsWith(`${stem}.`) &&
          item.name.endsWith(extension) &&
          /^\d+$/.exec(item.name.slice(stem.length + 1, item.name.length - extension.length));
        if (match) {
          numbered.push({ number: Number(match[0]), path: join(dirname(this.path), item.name) });
        }
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return numbered.sort((a, b) => a.number - b.number);
  }

  #nameParts(): { stem: string; extension: string } {
    const extension = extname(this.path);
    return { stem: basename(this.path, extension), extension };
  }

  #rotatedPath(number: number): string {
    const { stem, extension } = this.#nameParts();
    return join(dirname(this.path), `${stem}.${number}${extension}`);
  }

  /** Rotates the file if `adding` more bytes would take it past `maxBytes`. */
  async #rotateIfFull(adding: number): Promise<void> {
    const maxBytes = this.#options.maxBytes;
    if (maxBytes === undefined) return;
    let size: number;
    try {
      size = (await Deno.stat(this.path)).size;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    if (size === 0 || size + adding <= maxBytes) return;
    const keep = this.#options.keep ?? KEEP;
    for (const { number, path } of (await this.#rotated()).reverse()) {
      if (number >= keep) await Deno.remove(path);
      else await Deno.rename(path, this.#rotatedPath(number + 1));
    }
    if (keep > 0) await Deno.rename(this.path, this.#rotatedPath(1));
    else await Deno.remove(this.path);
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
    await this.#rotateIfFull(new TextEncoder().encode(text).length);
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
