import { stringify } from "yaml";
import { mapConcurrent } from "../../scripts/lib/concurrency.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, watchTaskArgs } from "../support/daemon.ts";
import { FakeGpu } from "../support/fake_gpu.ts";
import { freePort } from "../support/loopback_server.ts";
import { delay } from "../support/wait.ts";
import { percentile, residentMb } from "./stats.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TICKS_PER_SECOND = 100;
/** As compose/prometheus.yml scrapes the daemon. */
const SCRAPE_INTERVAL_MS = 15_000;
const TOKEN = "footprint-bench-token";

/** What the footprint benchmark measured. */
export interface Footprint {
  rssMedianMb: number;
  rssMaxMb: number;
  cpuPercentOfOneCore: number;
  childCpuPercentOfOneCore: number;
  /** The daemon's CPU time per `/metrics` scrape, over back-to-back scrapes after the window. */
  cpuMsPerScrape: number;
  /** RSS at the end of the back-to-back scrapes. */
  rssAfterScrapesMb: number;
  seconds: number;
}

/** Back-to-back scrapes after the window, to measure what one costs. */
const COSTED_SCRAPES = 200;

/**
 * Runs the daemon exactly as `deno task watch` does, with `count` containers on the engine, a GPU
 * poll every second through the nvidia-smi stand-in and `/metrics` scraped every 15 s as
 * Prometheus would, and measures its resident memory (every second) and CPU time over `seconds`,
 * after a warm-up.
 */
export async function benchFootprint(count = 50, seconds = 120): Promise<Footprint> {
  const containers = new TestContainers();
  const gpu = await FakeGpu.create();
  const port = freePort();
  const workspace = await createWorkspace(
    stringify({ gpu: { source: "nvidia-smi", pollInterval: "1s" }, api: { port } }),
  );
  let child: Deno.ChildProcess | undefined;
  try {
    await mapConcurrent(
      Array.from({ length: count }, (_, i) => i),
      8,
      (index) =>
        containers.create(`footprint-${index}`, {
          labels: { "breakwater.heal": "true" },
          intervalMs: 30_000,
        }),
    );
    child = new Deno.Command(Deno.execPath(), {
      args: [...await watchTaskArgs(), "--config", workspace.configPath],
      cwd: ROOT,
      env: { ...gpu.env, BREAKWATER_TOKEN: TOKEN },
      stdout: "null",
      stderr: "null",
    }).spawn();
    await delay(15_000); // start-up and first samples are not the steady state
    const before = cpuTicks(child.pid);
    const rss: number[] = [];
    for (let second = 0; second < seconds; second++) {
      if ((second * 1_000) % SCRAPE_INTERVAL_MS === 0) await scrape(port);
      rss.push(residentMb(child.pid));
      await delay(1_000);
    }
    const after = cpuTicks(child.pid);
    for (let index = 0; index < COSTED_SCRAPES; index++) await scrape(port);
    const afterScrapes = cpuTicks(child.pid);
    const share = (ticks: number) => (ticks / TICKS_PER_SECOND / seconds) * 100;
    return {
      cpuMsPerScrape: ((afterScrapes.own - after.own) / TICKS_PER_SECOND * 1_000) /
        COSTED_SCRAPES,
      rssAfterScrapesMb: residentMb(child.pid),
      rssMedianMb: percentile(rss, 0.5),
      rssMaxMb: Math.max(...rss),
      cpuPercentOfOneCore: share(after.own - before.own),
      childCpuPercentOfOneCore: share(after.children - before.children),
      seconds,
    };
  } finally {
    child?.kill("SIGTERM");
    await child?.status;
    await containers.removeAll();
    await workspace.remove();
    await gpu.remove();
  }
}

async function scrape(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const text = await response.text();
  if (!response.ok || !text.includes("breakwater_container_running")) {
    throw new Error(`/metrics answered ${response.status}: ${text.slice(0, 200)}`);
  }
}

/** utime+stime of the process itself, and of its reaped children (the nvidia-smi stand-in). */
function cpuTicks(pid: number): { own: number; children: number } {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).replace(/^.*\) /, "").split(" ");
  return {
    own: Number(fields[11]) + Number(fields[12]),
    children: Number(fields[13]) + Number(fields[14]),
  };
}
