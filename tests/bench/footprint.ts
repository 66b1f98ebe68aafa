import { stringify } from "yaml";
import { mapConcurrent } from "../../scripts/lib/concurrency.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, taskArgs } from "../support/daemon.ts";
import { FakeGpu } from "../support/fake_gpu.ts";
import { freePort } from "../support/loopback_server.ts";
import { delay } from "../support/wait.ts";
import { percentile, residentMb } from "./stats.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TICKS_PER_SECOND = 100;
/** As compose/prometheus.yml scrapes the daemon. */
const SCRAPE_INTERVAL_S = 15;
/** As the control panel polls the status by default. */
const STATUS_POLL_S = 5;
const TOKEN = "footprint-bench-token";

/** What the footprint benchmark measured. */
export interface Footprint {
  /** With no client, after the warm-up. */
  rssIdleMedianMb: number;
  /** While Prometheus scrapes and the panel polls. */
  rssLoadedMedianMb: number;
  rssLoadedMaxMb: number;
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
 * Runs the daemon exactly as `deno task watch` does, with `count` containers on the engine and a
 * GPU poll every second through the nvidia-smi stand-in, and measures its resident memory every
 * second: idle for `seconds / 2` after a warm-up, then for `seconds` while `/metrics` is scraped
 * every 15 s as Prometheus does and `/api/v1/status` asked every 5 s as the panel does (CPU time
 * over that window).
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
      args: [...await taskArgs("watch"), "--config", workspace.configPath],
      cwd: ROOT,
      env: { ...gpu.env, BREAKWATER_TOKEN: TOKEN },
      stdout: "null",
      stderr: "null",
    }).spawn();
    await delay(15_000); // start-up and first samples are not the steady state
    const idle: number[] = [];
    for (let second = 0; second < seconds / 2; second++) {
      idle.push(residentMb(child.pid));
      await delay(1_000);
    }
    const before = cpuTicks(child.pid);
    const loaded: number[] = [];
    for (let second = 0; second < seconds; second++) {
      if (second % SCRAPE_INTERVAL_S === 0) {
        await ask(port, "/metrics", "breakwater_container_running");
      }
      if (second % STATUS_POLL_S === 0) await ask(port, "/api/v1/status", '"containers"');
      loaded.push(residentMb(child.pid));
      await delay(1_000);
    }
    const after = cpuTicks(child.pid);
    for (let index = 0; index < COSTED_SCRAPES; index++) {
      await ask(port, "/metrics", "breakwater_container_running");
    }
    const afterScrapes = cpuTicks(child.pid);
    const share = (ticks: number) => (ticks / TICKS_PER_SECOND / seconds) * 100;
    return {
      cpuMsPerScrape: ((afterScrapes.own - after.own) / TICKS_PER_SECOND * 1_000) /
        COSTED_SCRAPES,
      rssAfterScrapesMb: residentMb(child.pid),
      rssIdleMedianMb: percentile(idle, 0.5),
      rssLoadedMedianMb: percentile(loaded, 0.5),
      rssLoadedMaxMb: Math.max(...loaded),
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

/** Asks the daemon as Prometheus or the panel does, and checks that the answer is the real one. */
async function ask(port: number, path: string, expected: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const text = await response.text();
  if (!response.ok || !text.includes(expected)) {
    throw new Error(`${path} answered ${response.status}: ${text.slice(0, 200)}`);
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
