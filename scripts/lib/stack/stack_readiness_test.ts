import assert from "node:assert/strict";
import { judgeGrafana, judgeRules, judgeTargets, missingParts } from "./stack_readiness.ts";

const target = (health: string, extra: Record<string, unknown> = {}) => ({
  labels: { job: "breakwater", host: "local", instance: "host.docker.internal:8787" },
  scrapeUrl: "http://host.docker.internal:8787/metrics",
  health,
  lastError: "",
  ...extra,
});

Deno.test("readiness: the breakwater target up, with why when it is not (Prometheus's words)", () => {
  const answer = (targets: unknown[]) => ({ status: "success", data: { activeTargets: targets } });
  assert.deepEqual(judgeTargets(answer([target("up")])), {
    ok: true,
    detail: "1 breakwater target(s) up (host local)",
  });
  const refused = judgeTargets(answer([
    target("down", { lastError: "server returned HTTP status 401 Unauthorized" }),
    { ...target("up"), labels: { job: "node-exporter" } },
  ]));
  assert.equal(refused.ok, false);
  assert.match(refused.detail, /8787\/metrics: down \(server returned HTTP status 401/);
  assert.deepEqual(judgeTargets(answer([])), {
    ok: false,
    detail: "no breakwater target in Prometheus yet",
  });
});

Deno.test("readiness: rules loaded and healthy; Grafana's database ok", () => {
  const rules = (health: string) => ({
    data: {
      groups: [{ name: "breakwater", rules: [{ name: "A", health }, { name: "B", health: "ok" }] }],
    },
  });
  assert.deepEqual(judgeRules(rules("ok")), { ok: true, detail: "2 rules in 1 group(s) loaded" });
  assert.equal(judgeRules(rules("err")).ok, false);
  assert.equal(judgeRules({ data: { groups: [] } }).ok, false);
  assert.equal(judgeGrafana({ database: "ok", version: "13.2.3" }).ok, true);
  assert.equal(judgeGrafana({ database: "failing" }).ok, false);
  assert.equal(
    missingParts({
      target: { ok: true, detail: "" },
      rules: { ok: false, detail: "none" },
      grafana: { ok: false, detail: "down" },
    }),
    "rules: none; grafana: down",
  );
});
