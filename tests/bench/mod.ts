/**
 * `deno task bench [heal] [health] [churn] [footprint] [journal]`: measures breakwater on the local Docker engine and prints
 * the figures. With no names, runs every benchmark.
 * @module
 */
import { benchChurn } from "./churn.ts";
import { benchHealLatency } from "./heal_latency.ts";
import { benchFootprint } from "./footprint.ts";
import { benchHealthWallTime, SEED_COMMIT } from "./health_wall_time.ts";
import { benchJournalReads, describeJournalReads } from "./journal_reads.ts";
import { describeSamples, percentile } from "./stats.ts";

const BENCHMARKS: Record<string, () => Promise<void>> = {
  async heal() {
    console.log(
      "heal latency (engine health_status: unhealthy event → restart request), 20 containers:",
    );
    const latencies = await benchHealLatency(20, 2);
    console.log(`  all: ${describeSamples(latencies)}   target: max ≤ 200 ms`);
  },
  async health() {
    for (const count of [10, 100]) {
      console.log(
        `deno task health --json, whole process, ${count} containers, under the task's ` +
          `permission set; the seed's (${SEED_COMMIT.slice(0, 7)}) alternating with it:`,
      );
      const { ours, seed } = await benchHealthWallTime(count);
      const speedup = percentile(seed, 0.5) / percentile(ours, 0.5);
      console.log(`  breakwater: ${describeSamples(ours)}`);
      console.log(`  seed:       ${describeSamples(seed)}`);
      console.log(
        `  ${speedup.toFixed(1)}× faster (median)   target (100 containers): at least 10×`,
      );
    }
  },
};

BENCHMARKS.churn = async () => {
  console.log("churn: 200 containers created and removed while 30 crash-loop:");
  const figures = await benchChurn(200, 30);
  console.log(
    `  /api/v1/status: ${describeSamples(figures.statusMs)}, ${figures.statusFailures} failed ` +
      "  target: p99 < 1000 ms",
  );
  console.log(
    `  event → decision: ${describeSamples(figures.decisionLagMs)}, ${figures.restarts} restarts ` +
      "  target: p99 < 2000 ms",
  );
  const backBy = (figures.rssAfterMb / figures.rssBeforeMb - 1) * 100;
  console.log(
    `  RSS 10 s after start ${
      figures.rssStartMb.toFixed(1)
    } MB; before churn (after the warm-up) ` +
      `${figures.rssBeforeMb.toFixed(1)} MB, peak ${figures.rssPeakMb.toFixed(1)} MB, ` +
      `30 s after ${figures.rssAfterMb.toFixed(1)} MB (${backBy.toFixed(1)} % over before)   ` +
      "target: within 10 % of before",
  );
  console.log(
    `  JavaScript heap in use: before ${figures.heapBeforeMb.toFixed(1)} MB, 30 s after ` +
      `${figures.heapAfterMb.toFixed(1)} MB`,
  );
};

BENCHMARKS.journal = async () => {
  console.log("journal: GET /api/v1/journal?limit=10 on the daemon, by journal size:");
  for (const bytes of [50 * 1024, 50 * 1024 * 1024]) {
    console.log(describeJournalReads(await benchJournalReads(bytes)));
  }
  console.log("  target: the same at 50 MB as at 50 KB; RSS does not grow with the file");
};

const FOOTPRINT_SECONDS = Number(Deno.env.get("BENCH_FOOTPRINT_SECONDS") ?? 120);

BENCHMARKS.footprint = async () => {
  console.log(
    `daemon footprint, 100 containers, GPU poll every 1 s (stand-in reader), idle ` +
      `${FOOTPRINT_SECONDS / 2} s, then ${FOOTPRINT_SECONDS} s with /metrics every 15 s and ` +
      "/api/v1/status every 5 s:",
  );
  const footprint = await benchFootprint(100, FOOTPRINT_SECONDS);
  console.log(
    `  RSS idle median ${footprint.rssIdleMedianMb.toFixed(1)} MB   target: ≤ 115 MB`,
  );
  console.log(
    `  RSS under scrapes and polls: median ${footprint.rssLoadedMedianMb.toFixed(1)} MB, max ${
      footprint.rssLoadedMaxMb.toFixed(1)
    } MB   target: max ≤ 140 MB`,
  );
  console.log(
    `  /metrics: ${footprint.cpuMsPerScrape.toFixed(2)} ms of CPU per scrape (200 back to back), ` +
      `RSS after them ${footprint.rssAfterScrapesMb.toFixed(1)} MB   target: ≤ 5 ms`,
  );
  console.log(
    `  CPU ${
      footprint.cpuPercentOfOneCore.toFixed(2)
    } % of one core under scrapes and polls (nvidia-smi stand-in processes: ` +
      `${footprint.childCpuPercentOfOneCore.toFixed(2)} %)   target: ≤ docker-autoheal's 1.25 %`,
  );
};

const chosen = Deno.args.length > 0 ? Deno.args : Object.keys(BENCHMARKS);
const unknown = chosen.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}`,
  );
  Deno.exit(2);
}
console.log(
  `breakwater benchmarks — ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}`,
);
for (const name of chosen) await BENCHMARKS[name]();
