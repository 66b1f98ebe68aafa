import assert from "node:assert/strict";
import { ContainerDirectory } from "../../scripts/lib/engine/container_directory.ts";
import { EventHub } from "../../scripts/lib/engine/event_hub.ts";
import type { ContainerSnapshot } from "../../scripts/lib/engine/container_snapshot.ts";
import { Engine } from "../../scripts/lib/engine/engine.ts";
import { TestContainers } from "../support/containers.ts";
import { delay, waitFor } from "../support/wait.ts";

/** The real engine, counting the reads the directory makes of it. */
class CountingEngine extends Engine {
  fullReads = 0;
  inspects = 0;

  override snapshots(concurrency: number): Promise<ContainerSnapshot[]> {
    this.fullReads++;
    return super.snapshots(concurrency);
  }

  override inspect(idOrName: string): Promise<ContainerSnapshot> {
    this.inspects++;
    return super.inspect(idOrName);
  }
}

/** Runs `body` with a directory following the real engine's events, and containers of its own. */
async function withDirectory(
  body: (
    directory: ContainerDirectory,
    engine: CountingEngine,
    containers: TestContainers,
    clock: { now: number },
  ) => Promise<void>,
) {
  const engine = new CountingEngine(Engine.connect().endpoint);
  const clock = { now: Date.now() };
  const directory = new ContainerDirectory(engine, {
    concurrency: 8,
    maxAgeMs: 60_000,
    now: () => clock.now,
  });
  const containers = new TestContainers();
  const stop = new AbortController();
  const following = new EventHub([directory]).run(engine, stop.signal);
  try {
    await body(directory, engine, containers, clock);
  } finally {
    stop.abort();
    await following;
    await containers.removeAll();
  }
}

/** Lets events still on their way land, and the reads they ask for happen. */
async function settle(directory: ContainerDirectory): Promise<void> {
  await delay(300);
  await directory.snapshots();
}

const stateOf = async (directory: ContainerDirectory, name: string) =>
  (await directory.snapshots()).find((snapshot) => snapshot.name === name)?.state;

Deno.test({
  name: "container directory: events keep it current; a quiet engine is not read again",
  async fn() {
    await withDirectory(async (directory, engine, containers) => {
      const quiet = await containers.create("quiet", { health: "none" });
      const busy = await containers.create("busy", { health: "none" });
      await waitFor(
        "the first full read",
        async () => (await stateOf(directory, containers.name("busy"))) === "running",
      );
      await settle(directory);
      const fullReads = engine.fullReads;
      const inspects = engine.inspects;
      for (let read = 0; read < 5; read++) await directory.snapshots();
      assert.equal(engine.fullReads, fullReads, "nothing changed: no full read");
      assert.equal(engine.inspects, inspects, "nothing changed: no inspect");

      await busy.pause();
      await waitFor(
        "the pause to show",
        async () => (await stateOf(directory, containers.name("busy"))) === "paused",
      );
      assert.equal(engine.fullReads, fullReads, "a pause re-reads that container only");
      assert.equal(engine.inspects, inspects + 1);
      assert.equal(await stateOf(directory, containers.name("quiet")), "running");

      await quiet.remove({ force: true });
      await waitFor(
        "the removed container to go",
        async () => (await stateOf(directory, containers.name("quiet"))) === undefined,
      );
      await containers.create("new", { health: "none", start: false });
      await waitFor(
        "the new container to show",
        async () => (await stateOf(directory, containers.name("new"))) === "created",
      );
      await busy.unpause();
    });
  },
});

Deno.test({
  name: "container directory: read in full when older than its maximum age",
  async fn() {
    await withDirectory(async (directory, engine, containers, clock) => {
      await containers.create("aged", { health: "none" });
      await waitFor(
        "the container",
        async () => (await stateOf(directory, containers.name("aged"))) === "running",
      );
      await settle(directory);
      const fullReads = engine.fullReads;
      await directory.snapshots();
      assert.equal(engine.fullReads, fullReads);
      clock.now += 60_000;
      await directory.snapshots();
      assert.equal(engine.fullReads, fullReads + 1);
    });
  },
});

Deno.test({
  name: "container directory: not following the events, every read is a full read",
  async fn() {
    const engine = new CountingEngine(Engine.connect().endpoint);
    const directory = new ContainerDirectory(engine, { concurrency: 8, maxAgeMs: 60_000 });
    await directory.snapshots();
    await directory.snapshots();
    assert.equal(engine.fullReads, 2);
    const [first, second] = await Promise.all([directory.snapshots(), directory.snapshots()]);
    assert.equal(engine.fullReads, 3, "reads asked for at once share one");
    assert.equal(first, second);
  },
});
