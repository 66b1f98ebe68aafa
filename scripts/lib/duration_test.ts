import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "./duration.ts";

Deno.test("parseDuration reads units, compounds and bare seconds", () => {
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("1h"), 3_600_000);
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("2.5s"), 2_500);
  assert.equal(parseDuration(10), 10_000);
  assert.equal(parseDuration("10"), 10_000);
  assert.equal(parseDuration("0"), 0);
});

Deno.test("parseDuration rejects what is not a duration", () => {
  for (const bad of ["", "ten", "5 minutes", "5x", "-1s", "s", "1s junk"]) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
  assert.equal(parseDuration(-1), undefined);
  assert.equal(parseDuration(Number.NaN), undefined);
});

Deno.test("formatDuration writes the way people do", () => {
  assert.equal(formatDuration(250), "250ms");
  assert.equal(formatDuration(10_000), "10s");
  assert.equal(formatDuration(300_000), "5m");
  assert.equal(formatDuration(5_430_000), "1h30m30s");
});
