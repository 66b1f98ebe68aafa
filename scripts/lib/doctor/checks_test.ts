import assert from "node:assert/strict";
import { engineChecks, gpuChecks, probeChecks, wslChecks } from "./checks.ts";
import { parseWslConfig, type WslFacts } from "./wsl_facts.ts";

const facts = (overrides: Partial<WslFacts>): WslFacts => ({
  kernel: "6.8.0-45-generic",
  wslLib: false,
  wslConfigs: [],
  profilesReachable: false,
  ...overrides,
});

Deno.test(".wslconfig: memory, processors and swap from [wsl2]", () => {
  assert.deepEqual(
    parseWslConfig(
      "[wsl2]\nmemory=12GB\nprocessors=6\nswap=0\nnetworkingMode=mirrored\n[experimental]\nsparseVhd=true\n",
    ),
    {
      memory: "12GB",
      processors: "6",
      swap: "0",
      networkingMode: "mirrored",
    },
  );
  assert.deepEqual(parseWslConfig("# nothing\n"), {
    memory: null,
    processors: null,
    swap: null,
    networkingMode: null,
  });
});

Deno.test("WSL2 is detected by kernel string or the driver folder; .wslconfig settings shown", () => {
  assert.deepEqual(wslChecks(facts({})).map((check) => [check.id, check.status, check.detail]), [
    ["wsl.detected", "ok", "not WSL2 (kernel 6.8.0-45-generic)"],
  ]);
  const wsl = wslChecks(facts({
    kernel: "5.15.153.1-microsoft-standard-WSL2",
    profilesReachable: true,
    wslConfigs: [{
      path: "/mnt/c/Users/al/.wslconfig",
      memory: "8GB",
      processors: null,
      swap: "0",
      networkingMode: null,
    }],
  }));
  assert.equal(wsl[0].detail, "WSL2 (kernel 5.15.153.1-microsoft-standard-WSL2)");
  assert.deepEqual([wsl[1].status, wsl[1].detail], [
    "warn",
    "/mnt/c/Users/al/.wslconfig: memory=8GB, processors=unset (all), swap=0",
  ]);
  const none = wslChecks(facts({ kernel: null, wslLib: true, profilesReachable: true }));
  assert.equal(none[1].status, "warn");
  assert.match(none[1].fix!, /%UserProfile%\\\.wslconfig/);
});

Deno.test("engine unreachable fails; no NVIDIA runtime warns with the toolkit command", () => {
  assert.deepEqual(
    engineChecks("unix:///x.sock", new Error("cannot reach")).map((check) => check.status),
    ["fail"],
  );
  const checks = engineChecks("unix:///var/run/docker.sock", {
    version: "27.3.1",
    operatingSystem: "Docker Desktop",
    kernelVersion: "5.15",
    cgroupVersion: "2",
    cgroupDriver: "cgroupfs",
    storageDriver: "overlayfs",
    dockerRootDir: "/var/lib/docker",
    runtimes: ["runc", "nvidia"],
    defaultRuntime: "runc",
    cdiSpecDirs: [],
    warnings: [],
  });
  assert.ok(checks.every((check) => check.status === "ok"));
  assert.equal(
    checks.find((check) => check.id === "engine.gpu-runtime")?.detail,
    "NVIDIA runtime configured",
  );
});

Deno.test("GPU checks: under WSL2 per-process memory is reported missing, with the labels to use", () => {
  const checks = gpuChecks({
    nvml: { path: "/usr/lib/wsl/lib/libnvidia-ml.so.1", driver: "560.94", gpus: 1 },
    nvidiaSmi: { gpus: 1 },
    wsl: true,
  });
  assert.deepEqual(checks.map((check) => check.status), ["ok", "ok", "warn"]);
  assert.match(checks[2].fix!, /breakwater\.gpu-owner=true/);
  const none = gpuChecks({
    nvml: new Error("NVML not found"),
    nvidiaSmi: new Error("nvidia-smi not found"),
    wsl: false,
  });
  assert.deepEqual(none.map((check) => check.status), ["warn", "warn", "warn"]);
});

Deno.test("probes: 2xx is up; anything else warns with the URL", () => {
  const checks = probeChecks([
    { name: "ollama", url: "http://x/api/version", up: true, status: 200, latencyMs: 3 },
    { name: "openclaw", url: "http://x/healthz", up: false, status: 503, latencyMs: 4 },
    { name: "other", url: "http://y", up: false, latencyMs: 1, error: "Connection refused" },
  ]);
  assert.deepEqual(checks.map((check) => [check.id, check.status]), [
    ["probe.ollama", "ok"],
    ["probe.openclaw", "warn"],
    ["probe.other", "warn"],
  ]);
  assert.equal(checks[2].detail, "http://y did not answer: Connection refused");
});
