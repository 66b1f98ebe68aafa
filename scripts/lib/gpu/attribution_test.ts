import assert from "node:assert/strict";
import { join } from "node:path";
import { testSnapshot } from "../engine/_test_snapshot.ts";
import { attributeVram } from "./attribution.ts";
import type { GpuReading } from "./gpu_reading.ts";
import { containersOfPids } from "./process_containers.ts";

const A = "a".repeat(64);
const B = "b".repeat(64);
const gpu = (processes: GpuReading["processes"]): GpuReading => ({
  index: 0,
  name: "GPU",
  uuid: "GPU-1",
  memoryTotalBytes: 8e9,
  memoryUsedBytes: 7e9,
  utilizationPercent: 90,
  memoryUtilizationPercent: 10,
  temperatureCelsius: 60,
  powerWatts: 100,
  powerLimitWatts: 120,
  processes,
});
const containers = [
  testSnapshot({ name: "ollama", id: A }),
  testSnapshot({ name: "agent", id: B }),
];

Deno.test("VRAM adds up per container; host processes are unattributed", () => {
  const attribution = attributeVram(
    [gpu([{ pid: 1, usedMemoryBytes: 5e9 }, { pid: 2, usedMemoryBytes: 1e9 }, {
      pid: 3,
      usedMemoryBytes: 2e8,
    }, {
      pid: 4,
      usedMemoryBytes: 3e8,
    }])],
    new Map([[1, A], [2, B], [3, B], [4, undefined]]),
    containers,
  );
  assert.deepEqual(attribution, {
    available: true,
    byContainer: { ollama: 5e9, agent: 1.2e9 },
    unattributedBytes: 3e8,
  });
});

Deno.test("no per-process memory (WSL2, dcgm) means attribution is unavailable, not zero", () => {
  assert.equal(attributeVram([gpu(null)], new Map(), containers).available, false);
  assert.equal(
    attributeVram([gpu([{ pid: 1, usedMemoryBytes: null }])], new Map([[1, A]]), containers)
      .available,
    false,
  );
  assert.equal(attributeVram([], new Map(), containers).available, false);
});

Deno.test("pids map to containers through /proc/<pid>/cgroup, v1 and v2 forms", async () => {
  const proc = await Deno.makeTempDir();
  const write = async (pid: number, text: string) => {
    await Deno.mkdir(join(proc, String(pid)));
    await Deno.writeTextFile(join(proc, String(pid), "cgroup"), text);
  };
  await write(10, `0::/system.slice/docker-${A}.scope\n`);
  await write(11, `12:memory:/docker/${B}\n11:cpu,cpuacct:/docker/${B}\n0::/\n`);
  await write(12, "0::/user.slice/user-1000.slice/session-3.scope\n");
  const map = await containersOfPids([10, 11, 12, 13], proc);
  assert.deepEqual([...map.entries()], [[10, A], [11, B], [12, undefined], [13, undefined]]);
  await Deno.remove(proc, { recursive: true });
});
