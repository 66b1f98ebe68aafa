import assert from "node:assert/strict";
import { chooseComposeFile, CPU_COMPOSE_FILE, GPU_COMPOSE_FILE } from "./gpu_choice.ts";

Deno.test("gpu: the GPU compose file exactly when the engine has the NVIDIA runtime, unless forced", () => {
  assert.equal(
    chooseComposeFile(["runc", "nvidia"], undefined, "auto").composeFile,
    GPU_COMPOSE_FILE,
  );
  const cpu = chooseComposeFile(["io.containerd.runc.v2", "runc"], GPU_COMPOSE_FILE, "auto");
  assert.deepEqual([cpu.composeFile, cpu.gpu], [CPU_COMPOSE_FILE, false]);
  assert.match(cpu.reason, /no NVIDIA runtime \(runtimes: io\.containerd\.runc\.v2, runc\)/);
  assert.equal(chooseComposeFile(["runc"], undefined, "gpu").composeFile, GPU_COMPOSE_FILE);
  assert.equal(chooseComposeFile(["nvidia"], undefined, "cpu").composeFile, CPU_COMPOSE_FILE);
  const own = chooseComposeFile(["nvidia"], "compose.yaml:mine.yaml", "cpu");
  assert.deepEqual([own.composeFile, own.gpu], ["compose.yaml:mine.yaml", null]);
});
