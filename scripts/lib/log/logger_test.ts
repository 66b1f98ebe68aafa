import assert from "node:assert/strict";
import { createLogger, escapeControl } from "./logger.ts";

Deno.test("log lines escape control characters in messages and fields", () => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line), now: () => 0 });
  log.log("info", "reason: a\nFAKE \u001b[31m", { actor: "x\ry", missing: undefined, n: 1 });
  assert.equal(lines.length, 1);
  assert.equal(
    lines[0],
    "1970-01-01T00:00:00.000Z INFO  reason: a\\nFAKE \\u001b[31m actor=x\\ry missing=undefined n=1",
  );
  assert.equal(escapeControl("tab\there"), "tab\\there");
});
