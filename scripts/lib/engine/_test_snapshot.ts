import type { ContainerSnapshot } from "./container_snapshot.ts";

/** A running, unhealthy, opted-in container for tests; override what the test is about. */
export function testSnapshot(overrides: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  const now = Date.parse("2026-01-01T00:00:00Z");
  return {
    id: "id-api",
    name: "api",
    image: "busybox",
    state: "running",
    health: "unhealthy",
    labels: { "breakwater.heal": "true" },
    restarts: 0,
    pid: 1234,
    startedAt: now - 60_000,
    lastProbeStartedAt: now - 1_000,
    healthcheckIntervalMs: 30_000,
    unhealthySince: now - 90_000,
    nanoCpus: 0,
    cpuQuota: 0,
    cpuPeriod: 0,
    memoryLimitBytes: 0,
    memorySwapBytes: 0,
    stopTimeoutMs: null,
    ...overrides,
  };
}
