import assert from "node:assert/strict";
import { nothingToRun } from "./run_daemon.ts";

Deno.test("'nothing to run' names only what the command runs", () => {
  assert.equal(
    nothingToRun({ heal: false, gpu: true, api: false, once: false }),
    "nothing to run: the GPU watchdog is off or unavailable",
  );
  assert.equal(
    nothingToRun({ heal: true, gpu: false, api: false, once: true }),
    "nothing to run: healing is off or unavailable",
  );
  assert.equal(
    nothingToRun({ heal: true, gpu: true, once: false }),
    "nothing to run: healing, the GPU watchdog and the control API are all off or unavailable",
  );
  assert.equal(
    nothingToRun({ heal: true, gpu: true, once: true }),
    "nothing to run: healing and the GPU watchdog are both off or unavailable",
  );
});
