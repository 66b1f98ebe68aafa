import assert from "node:assert/strict";
import { join } from "node:path";
import type { JournalEntry } from "../../scripts/lib/journal/journal_entry.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon } from "../support/daemon.ts";
import { waitFor } from "../support/wait.ts";

const HEAL = { "breakwater.heal": "true", "breakwater.stop-timeout": "0" };

const entriesFor = (entries: JournalEntry[], name: string, result?: string) =>
  entries.filter((entry) => entry.container?.name === name && (!result || entry.result === result));

Deno.test({
  name: "the running daemon heals only opted-in unhealthy containers, never a paused one",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace("heal:\n  reconcileInterval: 500ms\n");
    const ctl = await Deno.makeTempDir();
    let daemon: Daemon | undefined;
    try {
      const failing = await containers.create("failing", { labels: HEAL });
      const healthy = await containers.create("healthy", { labels: HEAL });
      const notOptedIn = await containers.create("not-opted-in", { health: "failing" });
      const paused = await containers.create("paused", {
        labels: HEAL,
        health: { hostDir: ctl },
        intervalMs: 3_000,
      });
      await waitFor(
        "the paused-to-be container to turn unhealthy",
        async () => (await containers.health(paused)) === "unhealthy",
      );
      await paused.pause();
      await waitFor(
        "the not-opted-in container to turn unhealthy",
        async () => (await containers.health(notOptedIn)) === "unhealthy",
      );
      await waitFor(
        "the healthy container to turn healthy",
        async () => (await containers.health(healthy)) === "healthy",
      );
      const started = {
        failing: await containers.startedAt(failing),
        healthy: await containers.startedAt(healthy),
        notOptedIn: await containers.startedAt(notOptedIn),
        paused: await containers.startedAt(paused),
      };

      daemon = await Daemon.start(["--config", workspace.configPath]);
      await containers.exec(failing, ["rm", "/tmp/ok"]);
      const restart = await waitFor(
        "the failing container's restart in the journal",
        async () => entriesFor(await workspace.entries(), containers.name("failing"), "ok")[0],
      );
      assert.equal(restart.action, "restart");
      assert.equal(restart.actor, "policy");
      assert.equal(restart.container?.id, failing.id);
      assert.notEqual(await containers.startedAt(failing), started.failing);

      const pausedSkip = await waitFor(
        "the paused container's skip",
        async () => entriesFor(await workspace.entries(), containers.name("paused"), "skipped")[0],
      );
      assert.equal(pausedSkip.details.skip, "paused");

      // Unpaused with its check passing again, the stale "unhealthy" must not cause a restart.
      await Deno.writeTextFile(join(ctl, "ok"), "");
      await paused.unpause();
      await waitFor(
        "the unpaused container's fresh probe",
        async () => (await containers.health(paused)) === "healthy",
        { timeoutMs: 10_000 },
      );
      // A heal pass has seen it healthy since the unpause (the state it saved says so): had the
      // stale "unhealthy" led to a restart, it would be journaled by now.
      await waitFor("a heal pass to see the unpaused container healthy", async () => {
        const heal = (await workspace.state().catch(() => null))?.heal as
          | {
            containers: Record<string, { healthySince: number | null; unpausedAt: number | null }>;
          }
          | undefined;
        const entry = heal?.containers[containers.name("paused")];
        return entry !== undefined && entry.healthySince !== null && entry.unpausedAt === null;
      }, { timeoutMs: 10_000 });

      const entries = await workspace.entries();
      assert.deepEqual(entriesFor(entries, containers.name("healthy")), []);
      assert.deepEqual(entriesFor(entries, containers.name("not-opted-in")), []);
      assert.deepEqual(
        entriesFor(entries, containers.name("paused")).map((entry) => entry.details.skip),
        ["paused", "awaiting-fresh-probe"],
        JSON.stringify(
          {
            journal: entriesFor(entries, containers.name("paused")),
            healthLog: (await paused.inspect()).State.Health?.Log,
          },
          null,
          1,
        ),
      );
      assert.equal(await containers.startedAt(healthy), started.healthy);
      assert.equal(await containers.startedAt(notOptedIn), started.notOptedIn);
      assert.equal(await containers.startedAt(paused), started.paused);

      const status = await daemon.stop();
      assert.equal(status.code, 0, daemon.output);
      assert.match(daemon.output, /stopped; state saved/);
      assert.doesNotMatch(daemon.output, /Uncaught|unhandled/i);
    } finally {
      await daemon?.stop();
      await containers.removeAll();
      await workspace.remove();
      await Deno.remove(ctl, { recursive: true });
    }
  },
});

Deno.test({
  name: "a crash-looping container is restarted on the configured backoff schedule",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(
      "heal:\n  reconcileInterval: 10s\n  backoff: { initial: 2s, max: 4s }\n",
    );
    let daemon: Daemon | undefined;
    try {
      await containers.create("looping", { labels: HEAL, health: "failing" });
      daemon = await Daemon.start(["--config", workspace.configPath]);
      const restarts = await waitFor("five restarts", async () => {
        const done = entriesFor(await workspace.entries(), containers.name("looping"), "ok");
        return done.length >= 5 && done;
      }, { timeoutMs: 40_000 });
      assert.deepEqual(restarts.map((entry) => entry.details.attempt), [1, 2, 3, 4, 5]);
      // Each restart waits the backoff after the previous one finished: 2 s, then 4 s (the cap).
      const gaps = restarts.slice(1).map((entry, index) =>
        Date.parse(entry.details.requestedAt as string) - Date.parse(restarts[index].time)
      );
      const expected = [2_000, 4_000, 4_000, 4_000];
      gaps.forEach((gap, index) => {
        assert.ok(
          gap >= expected[index] - 20,
          `gap ${index + 1} was ${gap} ms, expected ${expected[index]}`,
        );
        assert.ok(
          gap <= expected[index] + 1_500,
          `gap ${index + 1} was ${gap} ms, expected ${expected[index]}`,
        );
      });
      const skips = entriesFor(await workspace.entries(), containers.name("looping"), "skipped");
      assert.ok(skips.every((entry) => entry.details.skip === "backoff"));
      assert.ok(skips.length >= 3, "each wait is journaled once");
    } finally {
      await daemon?.stop();
      await containers.removeAll();
      await workspace.remove();
    }
  },
});
