import assert from "node:assert/strict";
import { testSnapshot } from "../engine/_test_snapshot.ts";
import { formatHealthTable } from "./format_health.ts";
import { toHealthRow } from "./health_row.ts";

const now = Date.parse("2026-01-01T01:00:00Z");
const snapshot = testSnapshot({
  name: "ollama",
  health: "healthy",
  restarts: 2,
  startedAt: now - 3_600_000,
  cpuQuota: 150_000,
  cpuPeriod: 100_000,
  memoryLimitBytes: 2 * 1024 ** 3,
  memorySwapBytes: 2 * 1024 ** 3,
});
const sample = (cpu: number, system: number) => ({
  cpuTotalNs: cpu,
  systemCpuNs: system,
  onlineCpus: 2,
  memoryWorkingSetBytes: 512 * 1024 ** 2,
});

Deno.test("a health row carries limits, CPU %, uptime and roles", () => {
  const row = toHealthRow(
    { snapshot, before: sample(0, 0), after: sample(250_000_000, 1_000_000_000) },
    { heal: [], protected: ["olla*"] },
    now,
  );
  assert.equal(row.cpuPercent, 50);
  assert.equal(row.uptimeSeconds, 3_600);
  assert.equal(row.nanoCpus, 1_500_000_000, "a CFS quota counts as a CPU limit");
  assert.equal(row.cpuLimited, true);
  assert.equal(row.memoryLimited, true);
  assert.equal(row.memoryBytes, 512 * 1024 ** 2);
  assert.equal(row.heal, true);
  assert.equal(row.protected, true);
  assert.equal(row.startedAt, "2026-01-01T00:00:00.000Z");
  const table = formatHealthTable([row]).split("\n");
  assert.match(table[0], /^NAME\s+STATE\s+HEALTH/);
  assert.match(
    table[1],
    /^ollama\s+running\s+healthy\s+2\s+1h\s+50\.0\s+512MiB \/ 2\.0GiB\s+1\.50/,
  );
});

Deno.test("a stopped container has no uptime, CPU or memory reading", () => {
  const row = toHealthRow(
    {
      snapshot: { ...snapshot, state: "exited", cpuQuota: 0, memoryLimitBytes: 0 },
      before: null,
      after: null,
    },
    { heal: [], protected: [] },
    now,
  );
  assert.equal(row.uptimeSeconds, null);
  assert.equal(row.cpuPercent, null);
  assert.equal(row.memoryBytes, null);
  assert.equal(row.cpuLimited, false);
  assert.equal(row.memoryLimited, false);
  assert.match(formatHealthTable([row]).split("\n")[1], /- \/ unlimited\s+no\s+no/);
});
