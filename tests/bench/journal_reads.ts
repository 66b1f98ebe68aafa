import { stringify } from "yaml";
import type { JournalEntry } from "../../scripts/lib/journal/journal_entry.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { percentile, residentMb } from "./stats.ts";

const TOKEN = "journal-bench-token-0123456789";
const READERS = 20;

/** What the journal benchmark measured at one journal size. */
export interface JournalReadFigures {
  fileMb: number;
  /** One `GET /api/v1/journal?limit=10` at a time. */
  singleMs: number[];
  /** Each of 20 concurrent readers, from the first request to its answer. */
  concurrentMs: number[];
  /** `/healthz` asked while the 20 readers run. */
  healthzMs: number;
  rssBeforeMb: number;
  rssAfterMb: number;
}

/** About `bytes` of journal lines, each a realistic entry. */
function journalText(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let index = 0; size < bytes; index++) {
    const entry: JournalEntry = {
      time: new Date(Date.UTC(2026, 0, 1) + index * 1_000).toISOString(),
      action: "restart",
      container: { name: `ingest-${index % 50}`, id: `${index}`.padStart(64, "0") },
      reason: "container is unhealthy",
      details: { requestedAt: new Date(Date.UTC(2026, 0, 1) + index * 1_000).toISOString() },
      actor: "policy",
      result: "ok",
      durationMs: 312,
    };
    const line = JSON.stringify(entry) + "\n";
    lines.push(line);
    size += line.length;
  }
  return lines.join("");
}

/**
 * Runs the daemon as users do over a journal of `bytes`, then reads the last ten entries through
 * the control API, one at a time and 20 at once, asking `/healthz` meanwhile; measures the
 * answers and the daemon's resident memory.
 */
export async function benchJournalReads(bytes: number): Promise<JournalReadFigures> {
  const workspace = await createWorkspace(stringify({
    api: { port: 0 },
    gpu: { enabled: false },
    probes: [],
    heal: { enabled: false },
    journal: { maxSize: "1GiB" },
  }));
  await Deno.mkdir(workspace.stateDir, { recursive: true });
  const text = journalText(bytes);
  await Deno.writeTextFile(workspace.journal.path, text);
  const daemon = await Daemon.start(["--config", workspace.configPath], {
    BREAKWATER_TOKEN: TOKEN,
  });
  try {
    const url = await daemon.apiUrl();
    const read = async () => {
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/journal?limit=10`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const { entries } = await response.json();
      if (entries.length !== 10) throw new Error(`got ${entries.length} entries`);
      return performance.now() - started;
    };
    await read();
    const rssBeforeMb = residentMb(daemon.pid);
    const singleMs: number[] = [];
    for (let index = 0; index < 30; index++) singleMs.push(await read());
    const concurrent = Promise.all(Array.from({ length: READERS }, read));
    const healthzStarted = performance.now();
    await (await fetch(`${url}/healthz`)).body?.cancel();
    const healthzMs = performance.now() - healthzStarted;
    const concurrentMs = await concurrent;
    return {
      fileMb: text.length / 1024 / 1024,
      singleMs,
      concurrentMs,
      healthzMs,
      rssBeforeMb,
      rssAfterMb: residentMb(daemon.pid),
    };
  } finally {
    await daemon.stop();
    await workspace.remove();
  }
}

/** The figures for one size, as printed. */
export function describeJournalReads(figures: JournalReadFigures): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return `  ${figures.fileMb.toFixed(2)} MB: one reader median ${
    ms(percentile(figures.singleMs, 0.5))
  }, ${READERS} at once max ${ms(Math.max(...figures.concurrentMs))}, /healthz meanwhile ${
    ms(figures.healthzMs)
  }, RSS ${figures.rssBeforeMb.toFixed(1)} → ${figures.rssAfterMb.toFixed(1)} MB`;
}
