import assert from "node:assert/strict";
import type Docker from "dockerode";
import { toContainerSnapshot } from "./container_snapshot.ts";

const inspect = (log: { Start: string; End: string; ExitCode?: number }[]) =>
  ({
    Id: "id-api",
    Name: "/api",
    Config: { Image: "api:1", Labels: {}, Healthcheck: { Test: ["CMD", "true"] } },
    State: {
      Status: "running",
      StartedAt: "2026-11-30T10:00:00.000Z",
      Pid: 42,
      Health: { Status: "unhealthy", FailingStreak: 3, Log: log },
    },
    HostConfig: {},
    RestartCount: 0,
  }) as unknown as Docker.ContainerInspectInfo;

Deno.test("snapshot: a probe's freshness is when it started, not when it ended", () => {
  // Begun while the container was paused, ended after the unpause: not a fresh probe.
  const snapshot = toContainerSnapshot(inspect([
    { Start: "2026-11-30T10:00:01.000Z", End: "2026-11-30T10:00:02.000Z" },
    { Start: "2026-11-30T10:00:09.500Z", End: "2026-11-30T10:00:10.500Z" },
  ]));
  assert.equal(snapshot.lastProbeStartedAt, Date.parse("2026-11-30T10:00:09.500Z"));
  assert.equal(snapshot.health, "unhealthy");
});

Deno.test("snapshot: unhealthy since the first failed probe of the run that ends the log", () => {
  const probe = (second: number, exitCode: number) => ({
    Start: `2026-11-30T10:00:${String(second).padStart(2, "0")}.000Z`,
    End: `2026-11-30T10:00:${String(second).padStart(2, "0")}.500Z`,
    ExitCode: exitCode,
  });
  const failing = toContainerSnapshot(
    inspect([probe(0, 1), probe(10, 0), probe(20, 1), probe(30, 1), probe(40, 1)]),
  );
  assert.equal(failing.unhealthySince, Date.parse("2026-11-30T10:00:20.000Z"));

  const recovering = toContainerSnapshot(inspect([probe(0, 1), probe(10, 0)]));
  assert.equal(recovering.unhealthySince, null, "the last probe passed: no failing run");
});
