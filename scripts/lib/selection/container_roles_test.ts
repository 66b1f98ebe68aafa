import assert from "node:assert/strict";
import { isHealOptedIn, isProtected, refusalReason, stopTimeoutFor } from "./container_roles.ts";
import { matchesGlob } from "./glob.ts";

Deno.test("glob: * and ? are wildcards, everything else literal", () => {
  assert.equal(matchesGlob("ingest-bot-2", "ingest-*"), true);
  assert.equal(matchesGlob("ingest", "ingest-*"), false);
  assert.equal(matchesGlob("db1", "db?"), true);
  assert.equal(matchesGlob("db12", "db?"), false);
  assert.equal(matchesGlob("a.b", "a.b"), true);
  assert.equal(matchesGlob("axb", "a.b"), false, "a dot is literal");
  assert.equal(matchesGlob("(x)", "(x)"), true);
});

Deno.test("heal opt-in by label value, not mere presence", () => {
  assert.equal(isHealOptedIn({ name: "a", labels: { "breakwater.heal": "true" } }, []), true);
  assert.equal(isHealOptedIn({ name: "a", labels: { autoheal: "TRUE" } }, []), true);
  assert.equal(isHealOptedIn({ name: "a", labels: { autoheal: "false" } }, []), false);
  assert.equal(isHealOptedIn({ name: "a", labels: {} }, ["b", "a"]), true);
  assert.equal(isHealOptedIn({ name: "a", labels: {} }, []), false);
});

Deno.test("protected by label or by pattern", () => {
  assert.equal(isProtected({ name: "x", labels: { "breakwater.protected": "true" } }, []), true);
  assert.equal(isProtected({ name: "grafana-1", labels: {} }, ["grafana*"]), true);
  assert.equal(isProtected({ name: "x", labels: {} }, ["grafana*"]), false);
});

Deno.test("stop timeout label: seconds or a duration; a bad value falls back", () => {
  assert.equal(
    stopTimeoutFor({ name: "x", labels: { "breakwater.stop-timeout": "30" } }, 5),
    30_000,
  );
  assert.equal(stopTimeoutFor({ name: "x", labels: { "breakwater.stop-timeout": "0" } }, 5), 0);
  assert.equal(stopTimeoutFor({ name: "x", labels: { "breakwater.stop-timeout": "soon" } }, 5), 5);
});

Deno.test("people may act on any container but protected ones and the GPU owner", () => {
  const patterns = { protected: ["grafana"], gpuOwner: ["ollama"] };
  assert.equal(refusalReason({ name: "ingest", labels: {} }, patterns), null);
  assert.match(refusalReason({ name: "grafana", labels: {} }, patterns)!, /^protected/);
  assert.match(
    refusalReason({ name: "x", labels: { "breakwater.protected": "true" } }, patterns)!,
    /^protected/,
  );
  assert.match(refusalReason({ name: "ollama", labels: {} }, patterns)!, /^the GPU owner/);
  assert.match(
    refusalReason({ name: "x", labels: { "breakwater.gpu-owner": "true" } }, patterns)!,
    /^the GPU owner/,
  );
});

Deno.test("stop timeout: a label, else the container's own, else the fallback", () => {
  const own = { name: "x", labels: {}, stopTimeoutMs: 60_000 };
  assert.equal(stopTimeoutFor(own, 10_000), 60_000, "longer than the default");
  assert.equal(stopTimeoutFor({ ...own, stopTimeoutMs: 1_000 }, 10_000), 1_000, "shorter");
  assert.equal(stopTimeoutFor({ ...own, stopTimeoutMs: 0 }, 10_000), 0, "zero is a timeout");
  assert.equal(stopTimeoutFor({ ...own, stopTimeoutMs: null }, 10_000), 10_000);
  assert.equal(
    stopTimeoutFor({ ...own, labels: { "breakwater.stop-timeout": "5s" } }, 10_000),
    5_000,
  );
});
