import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeGpu } from "../../../tests/support/fake_gpu.ts";
import { NvidiaSmiReader } from "./nvidia_smi_reader.ts";

const STAND_IN = new URL("../../../tests/support/fake_nvidia_smi/nvidia-smi", import.meta.url)
  .pathname;

/** Runs `body` with the stand-in replaying `gpu`'s moments, and a clock the test moves. */
async function withStandIn(
  body: (gpu: FakeGpu, reader: NvidiaSmiReader, clock: { now: number }) => Promise<void>,
) {
  const gpu = await FakeGpu.create();
  const previous = Deno.env.get("FAKE_SMI_DIR");
  Deno.env.set("FAKE_SMI_DIR", gpu.dir);
  const clock = { now: 0 };
  try {
    await body(gpu, new NvidiaSmiReader({ command: STAND_IN, now: () => clock.now }), clock);
  } finally {
    if (previous === undefined) Deno.env.delete("FAKE_SMI_DIR");
    else Deno.env.set("FAKE_SMI_DIR", previous);
    await gpu.remove();
  }
}

Deno.test("nvidia-smi: the process list is read again only when VRAM in use moves or it is 10 s old", async () => {
  await withStandIn(async (gpu, reader, clock) => {
    await gpu.set("load");
    for (let second = 0; second < 4; second++) {
      clock.now = second * 1_000;
      const [reading] = await reader.read();
      assert.equal(reading.processes?.length, 1, "the cached list still answers");
    }
    assert.equal(await gpu.readings(), 4);
    assert.equal(await gpu.processListReads(), 1, "steady VRAM: one process list read");

    await Deno.writeTextFile(join(gpu.dir, "pid"), "4242");
    await gpu.set("idle");
    clock.now = 5_000;
    assert.deepEqual((await reader.read())[0].processes, [], "VRAM moved: read again");
    await gpu.set("load");
    clock.now = 6_000;
    assert.equal((await reader.read())[0].processes?.[0].pid, 4242);
    assert.equal(await gpu.processListReads(), 3);

    clock.now = 16_000;
    await reader.read();
    assert.equal(await gpu.processListReads(), 4, "10 s old: read again");
  });
});
