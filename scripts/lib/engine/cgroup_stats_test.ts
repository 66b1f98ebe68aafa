import assert from "node:assert/strict";
import { join } from "node:path";
import { containerIdFromCgroupPath, parseProcCgroup } from "./cgroup_path.ts";
import { readCgroupSamples, readHostCpu } from "./cgroup_stats.ts";
import { type PseudoFiles, readDirectly, readThroughGrep } from "./pseudo_files.ts";

const ID = "4bba4c73f2b8298e7a1ed5dcb47d6b6b2a817a0a281651317c8a620b650daa76";
const PROC_STAT =
  "cpu  14190 0 7074 148409 369 0 128 92 0 0\ncpu0 1 2 3 4 5 6 7\ncpu1 1 2 3 4 5 6 7\n";

Deno.test("container ids are found in every common cgroup layout", () => {
  assert.equal(containerIdFromCgroupPath(`/docker/${ID}`), ID);
  assert.equal(containerIdFromCgroupPath(`/system.slice/docker-${ID}.scope`), ID);
  assert.equal(
    containerIdFromCgroupPath(`/user.slice/user-1000.slice/user@1000.service/docker-${ID}.scope`),
    ID,
  );
  assert.equal(containerIdFromCgroupPath(`/docker/containers/${ID}`), ID);
  assert.equal(
    containerIdFromCgroupPath(`/kubepods/besteffort/pod1/cri-containerd-${ID}.scope`),
    ID,
  );
  assert.equal(containerIdFromCgroupPath(`/machine.slice/libpod-${ID}.scope`), ID);
  assert.equal(containerIdFromCgroupPath("/user.slice/user-1000.slice/session-2.scope"), undefined);
  assert.equal(containerIdFromCgroupPath("/docker/abc"), undefined);
});

Deno.test("/proc/<pid>/cgroup: v1 controllers and the v2 line", () => {
  const membership = parseProcCgroup(
    `12:cpu,cpuacct:/docker/${ID}\n4:memory:/docker/${ID}\n1:name=systemd:/docker/${ID}\n0::/\n`,
  );
  assert.equal(membership.unified, "/");
  assert.equal(membership.controllers.cpuacct, `/docker/${ID}`);
  assert.equal(membership.controllers.cpu, `/docker/${ID}`);
  assert.equal(membership.controllers.memory, `/docker/${ID}`);
  assert.equal(membership.controllers["name=systemd"], `/docker/${ID}`);
});

async function fakeTree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

/** Each case runs through both ways of reading: directly, and in one `grep` a batch. */
const READERS = { directly: readDirectly, "through grep": readThroughGrep };

function readerTest(name: string, fn: (files: (root: string) => PseudoFiles) => Promise<void>) {
  for (const [how, read] of Object.entries(READERS)) {
    Deno.test(`${name} (read ${how})`, () =>
      fn((root) => ({ roots: { cgroup: join(root, "cgroup"), proc: join(root, "proc") }, read })));
  }
}

readerTest("cgroup v2: CPU from cpu.stat, memory less inactive_file", async (filesIn) => {
  const scope = `/system.slice/docker-${ID}.scope`;
  const root = await fakeTree({
    "proc/42/cgroup": `0::${scope}\n`,
    "proc/stat": PROC_STAT,
    [`cgroup${scope}/cpu.stat`]: "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n",
    [`cgroup${scope}/memory.current`]: "10000\n",
    [`cgroup${scope}/memory.stat`]: "anon 6000\nfile 4000\n\ninactive_file 3000\n",
  });
  const files = filesIn(root);
  const [sample] = readCgroupSamples([{ id: ID, pid: 42 }], readHostCpu(files)!, files);
  assert.deepEqual(sample, {
    cpuTotalNs: 1_500_000,
    systemCpuNs: (14190 + 7074 + 148409 + 369 + 128) * 10_000_000,
    onlineCpus: 2,
    memoryWorkingSetBytes: 7000,
  });
  await Deno.remove(root, { recursive: true });
});

readerTest("cgroup v1 (hybrid host): cpuacct.usage and memory.usage_in_bytes", async (filesIn) => {
  const path = `/docker/${ID}`;
  const root = await fakeTree({
    "proc/7/cgroup": `4:memory:${path}\n2:cpu,cpuacct:${path}\n0::${path}\n`,
    "proc/stat": PROC_STAT,
    [`cgroup/cpu,cpuacct${path}/cpuacct.usage`]: "31000000\n",
    [`cgroup/memory${path}/memory.usage_in_bytes`]: "500000\n",
    [`cgroup/memory${path}/memory.stat`]: "cache 100\ntotal_inactive_file 100000\n",
  });
  const files = filesIn(root);
  const [sample] = readCgroupSamples([{ id: ID, pid: 7 }], readHostCpu(files)!, files);
  assert.equal(sample?.cpuTotalNs, 31_000_000);
  assert.equal(sample?.memoryWorkingSetBytes, 400_000);
  await Deno.remove(root, { recursive: true });
});

readerTest(
  "no /proc/stat (not Linux): no host CPU, so containers are read from the engine",
  async (filesIn) => {
    const root = await fakeTree({ "proc/1/cgroup": "0::/\n" });
    assert.equal(readHostCpu(filesIn(root)), undefined);
    await Deno.remove(root, { recursive: true });
  },
);

readerTest(
  "a batch: each container its own counters; one whose cgroup is not its own, none",
  async (filesIn) => {
    const other = ID.replace(/^4/, "5");
    const root = await fakeTree({
      "proc/9/cgroup": "0::/user.slice/user-1000.slice/session-2.scope\n",
      "proc/11/cgroup": `0::/docker/${other}\n`,
      "proc/stat": PROC_STAT,
      [`cgroup/docker/${other}/cpu.stat`]: "usage_usec 7\n",
      [`cgroup/docker/${other}/memory.current`]: "700\n",
      [`cgroup/docker/${other}/memory.stat`]: "inactive_file 0\n",
    });
    const files = filesIn(root);
    const samples = readCgroupSamples(
      [
        { id: ID, pid: 9 }, // the engine in another VM: this pid is someone else here
        { id: other, pid: 11 },
        { id: ID, pid: 10 }, // no such process
        { id: ID, pid: 0 }, // not running
      ],
      readHostCpu(files)!,
      files,
    );
    assert.deepEqual(samples.map((sample) => sample?.memoryWorkingSetBytes), [
      undefined,
      700,
      undefined,
      undefined,
    ]);
    await Deno.remove(root, { recursive: true });
  },
);
