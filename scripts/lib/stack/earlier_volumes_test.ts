import assert from "node:assert/strict";
import { earlierVolumes } from "./earlier_volumes.ts";

Deno.test("earlier volumes: OpenClaw's and Alertmanager's state, found under either project name, with the copy that carries it over", () => {
  const found = earlierVolumes(
    ["compose_openclaw-state", "breakwater_alertmanager-data", "other_openclaw-state", "x"],
    ["breakwater", "compose"],
    { OPENCLAW_DIR: "/d/openclaw", ALERTMANAGER_DIR: "/d/alertmanager" },
    "1000:1000",
  );
  assert.deepEqual(found.map(({ volume, folder }) => [volume, folder]), [
    ["breakwater_alertmanager-data", "/d/alertmanager"],
    ["compose_openclaw-state", "/d/openclaw/.openclaw"],
  ]);
  assert.equal(
    found[1].command,
    "docker run --rm -v compose_openclaw-state:/from:ro -v /d/openclaw/.openclaw:/to busybox sh " +
      "-c 'cp -a /from/. /to/ && chown -R 1000:1000 /to'",
  );
  assert.deepEqual(earlierVolumes([], ["breakwater"], {}, "1:1"), []);
});
