import assert from "node:assert/strict";
import type Docker from "dockerode";
import { toContainerSnapshot } from "./container_snapshot.ts";

const inspect = (log: { Start: string; End: string }[]) =>
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
