import { stringify } from "yaml";
import { mapConcurrent } from "../../scripts/lib/concurrency.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace } from "../support/daemon.ts";
import { FakeGpu } from "../support/fake_gpu.ts";
import { delay } from "../support/wait.ts";
import { percentile } from "./stats.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TICKS_PER_SECOND = 100;

/** What the footprint benchmark measured. */
export interface Footprint {
  rssMedianMb: number;
  rssMaxMb: number;
  cpuPercentOfOneCore: number;
  childCpuPercentOfOneCore: number;
  seconds: number;
}

/**
 * Runs the daemon exactly as `deno task watch` does, with `count` containers on the engine and a
 * GPU poll every second through the nvidia-smi stand-in, and measures its resident memory (every
 * second) and CPU time over `seconds`, after a warm-up.
 */
export async function benchFootprint(count = 50, seconds = 120): Promise<Footprint> {
  const containers = new TestContainers();
  const gpu = await FakeGpu.create();
  const workspace = await createWorkspace(
    stringify({ gpu: { source: "nvidia-smi", pollInterval: "1s" }, api: { port: 0 } }),
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
    const task = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks.watch as string;
    const args = [...task.split(/\s+/).slice(1), "--config", workspace.configPath];
    child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      env: gpu.env,
      stdout: "null",
      stderr: "null",
    }).spawn();
    await delay(15_000); // start-up and first samples are not the steady state
    const before = cpuTicks(child.pid);
    const rss: number[] = [];
    for (let second = 0; second < seconds; second++) {
      rss.push(residentKb(child.pid) / 1024);
      await delay(1_000);
    }
    const after = cpuTicks(child.pid);
    const share = (ticks: number) => (ticks / TICKS_PER_SECOND / seconds) * 100;
    return {
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

function residentKb(pid: number): number {
  const line = Deno.readTextFileSync(`/proc/${pid}/status`).split("\n").find((entry) =>
    entry.startsWith("VmRSS:")
  );
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/** utime+stime of the process itself, and of its reaped children (the nvidia-smi stand-in). */
function cpuTicks(pid: number): { own: number; children: number } {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).replace(/^.*\) /, "").split(" ");
  return {
    own: Number(fields[11]) + Number(fields[12]),
    children: Number(fields[13]) + Number(fields[14]),
  };
}
