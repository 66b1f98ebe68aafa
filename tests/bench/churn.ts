import { mapConcurrent } from "../../scripts/lib/concurrency.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { delay } from "../support/wait.ts";
import { residentMb } from "./stats.ts";

const TOKEN = "churn-bench-token";

/** What the daemon did while containers came and went around a crash loop. */
export interface ChurnFigures {
  /** `/api/v1/status` answer times during the churn, ms; failed or timed-out calls count as 20 s. */
  statusMs: number[];
  statusFailures: number;
  /** Engine event → decision (restart request or journaled skip), ms, for event-driven decisions. */
  decisionLagMs: number[];
  restarts: number;
  /** RSS 10 s after the daemon said it was ready. */
  rssStartMb: number;
  /** RSS after the warm-up: the same crash loop and status polls for `warmUpMs`, no churn yet. */
  rssBeforeMb: number;
  rssPeakMb: number;
  /** RSS 30 s after the last churned container was removed, the crash loop and polls going on. */
  rssAfterMb: number;
  /** The daemon's JavaScript heap in use, from its own metrics: what it keeps, beside what RSS holds. */
  heapBeforeMb: number;
  heapAfterMb: number;
}

/**
 * `churn` containers created and removed (8 at a time) while `looping` opted-in containers fail
 * their healthcheck (every 2 s) and are restarted on a 1–4 s backoff, with the real daemon, and
 * `/api/v1/status` is asked every 250 ms throughout. The RSS the churn is judged against is the
 * one after `warmUpMs` of that same load: the crash loop alone grows the daemon for minutes after
 * its start (JIT code, V8's heap sized to the load), which is not what churn leaves behind.
 */
export async function benchChurn(
  churn = 200,
  looping = 30,
  warmUpMs = 120_000,
): Promise<ChurnFigures> {
  const containers = new TestContainers();
  const workspace = await createWorkspace(
    "api:\n  port: 0\nheal:\n  backoff: { initial: 1s, max: 4s }\n  giveUp: { maxRestarts: 0 }\n" +
      "gpu:\n  enabled: false\nprobes: []\n",
  );
  let daemon: Daemon | undefined;
  try {
    await mapConcurrent(
      Array.from({ length: looping }, (_, i) => i),
      8,
      (index) =>
        containers.create(`loop-${index}`, {
          health: "failing",
          labels: { "breakwater.heal": "true", "breakwater.stop-timeout": "0" },
        }),
    );
    daemon = await Daemon.start(["--config", workspace.configPath], { BREAKWATER_TOKEN: TOKEN });
    const api = await daemon.apiUrl();
    await delay(10_000);
    const rssStartMb = residentMb(daemon.pid);

    let polling = true;
    let churning = false;
    let rssPeakMb = 0;
    const statusMs: number[] = [];
    let statusFailures = 0;
    const poller = (async () => {
      while (polling) {
        const begun = performance.now();
        let answered = false;
        try {
          const answer = await fetch(`${api}/api/v1/status`, {
            headers: { authorization: `Bearer ${TOKEN}` },
            signal: AbortSignal.timeout(20_000),
          });
          await answer.arrayBuffer();
          answered = answer.ok;
        } catch {
          // a refused or timed-out call: counted as a failure below
        }
        if (churning) {
          statusMs.push(answered ? performance.now() - begun : 20_000);
          if (!answered) statusFailures++;
          rssPeakMb = Math.max(rssPeakMb, residentMb(daemon!.pid));
        }
        await delay(250);
      }
    })();
    await delay(warmUpMs);
    const rssBeforeMb = residentMb(daemon.pid);
    const heapBeforeMb = await heapUsedMb(api);
    const startedAt = Date.now();
    rssPeakMb = rssBeforeMb;
    churning = true;
    const phase = async <T>(what: string, work: () => Promise<T>) => {
      const begun = Date.now();
      const result = await work();
      console.log(`  ${what} in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
      return result;
    };
    const made = await phase(`${churn} created`, () =>
      mapConcurrent(
        Array.from({ length: churn }, (_, i) => i),
        8,
        (index) => containers.create(`churn-${index}`, { health: "none" }),
      ));
    await phase(
      `${churn} removed`,
      () => mapConcurrent(made, 8, (container) => container.remove({ force: true })),
    );
    churning = false;
    await delay(30_000);
    const rssAfterMb = residentMb(daemon.pid);
    const heapAfterMb = await heapUsedMb(api);
    polling = false;
    await poller;

    const entries = (await workspace.entries()).filter((entry) =>
      Date.parse(entry.time) >= startedAt && typeof entry.details.eventTime === "number"
    );
    const decisionLagMs = entries.map((entry) =>
      Date.parse((entry.details.requestedAt as string | undefined) ?? entry.time) -
      (entry.details.eventTime as number)
    );
    const restarts = (await workspace.entries()).filter((entry) =>
      Date.parse(entry.time) >= startedAt && entry.action === "restart" && entry.result === "ok"
    ).length;
    return {
      statusMs,
      statusFailures,
      decisionLagMs,
      restarts,
      rssStartMb,
      rssBeforeMb,
      rssPeakMb,
      rssAfterMb,
      heapBeforeMb,
      heapAfterMb,
    };
  } finally {
    await daemon?.stop();
    await containers.removeAll();
    await workspace.remove();
  }
}

/** `breakwater_process_heap_used_bytes`, in MB, as the daemon reports it. */
async function heapUsedMb(api: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  })).text();
  const line = text.split("\n").find((entry) =>
    entry.startsWith("breakwater_process_heap_used_bytes ")
  );
  if (!line) throw new Error("/metrics has no breakwater_process_heap_used_bytes");
  return Number(line.split(" ")[1]) / 1024 / 1024;
}
