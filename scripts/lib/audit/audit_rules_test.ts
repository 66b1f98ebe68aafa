import assert from "node:assert/strict";
import { audit, AUDIT_RULES, type Finding } from "./audit_rules.ts";
import type { AuditSubject } from "./audit_subject.ts";
import { needing } from "../../../tests/support/tools.ts";

const GIB = 1024 ** 3;
const clean = (name: string, overrides: Partial<AuditSubject> = {}): AuditSubject => ({
  kind: "container",
  name,
  labels: {},
  gpuAccess: null,
  cpuLimited: true,
  memoryLimitBytes: GIB,
  memorySwapBytes: GIB,
  hasHealthcheck: true,
  restartPolicy: "unless-stopped",
  mounts: [],
  ...overrides,
});
const options = { ownerPatterns: [] as string[], waivers: [] };
const rules = (findings: Finding[]) =>
  findings.map((finding) => `${finding.rule}:${finding.subject}`);

Deno.test("a container that follows every rule yields no finding", () => {
  assert.deepEqual(audit([clean("api")], null, options), []);
});

Deno.test("quotas, swap, healthcheck and restart policy are each reported", () => {
  const findings = audit(
    [
      clean("bare", {
        cpuLimited: false,
        memoryLimitBytes: 0,
        memorySwapBytes: null,
        hasHealthcheck: false,
        restartPolicy: "no",
      }),
      clean("swap-unlimited", { memorySwapBytes: -1 }),
      clean("swap-unset", { memorySwapBytes: null }),
      clean("swap-larger", { memorySwapBytes: 2 * GIB }),
    ],
    null,
    options,
  );
  assert.deepEqual(rules(findings), [
    "limits.cpu:bare",
    "limits.memory:bare",
    "health.missing:bare",
    "restart.missing:bare",
    "limits.swap:swap-unlimited",
    "limits.swap:swap-unset",
    "limits.swap:swap-larger",
  ]);
  assert.deepEqual(findings.slice(4).map((finding) => finding.message), [
    "memory-swap is unlimited",
    "memory-swap unset: Docker allows as much swap again as the memory limit",
    `memory-swap (${2 * GIB} bytes) is larger than the memory limit (${GIB} bytes)`,
  ]);
});

Deno.test("GPU: one marked owner passes; an unmarked one and a second one are errors", () => {
  const owner = clean("ollama", {
    gpuAccess: "device request (--gpus)",
    labels: { "breakwater.gpu-owner": "true" },
  });
  assert.deepEqual(audit([owner], null, options), []);
  const unmarked = clean("comfy", { gpuAccess: "NVIDIA_VISIBLE_DEVICES=all" });
  const findings = audit([owner, unmarked], null, options);
  assert.deepEqual(rules(findings), [
    "gpu.multiple-owners:ollama",
    "gpu.multiple-owners:comfy",
    "gpu.not-owner:comfy",
  ]);
  assert.ok(findings.every((finding) => finding.severity === "error"));
  assert.match(findings[0].message, /one of 2 with GPU access .*: ollama, comfy/);
});

Deno.test("a GPU monitor (dcgm-exporter) is a note, never a second owner", () => {
  const owner = clean("ollama", { gpuAccess: "gpus", labels: { "breakwater.gpu-owner": "true" } });
  const monitor = clean("dcgm", {
    gpuAccess: "runtime: nvidia",
    labels: { "breakwater.gpu-monitor": "true" },
  });
  assert.deepEqual(rules(audit([owner, monitor], null, options)), ["gpu.monitor:dcgm"]);
  assert.equal(audit([owner, monitor], null, options)[0].severity, "info");
});

Deno.test("the GPU owner is exempt from CPU and memory limits, by label or config", () => {
  const owner = clean("ollama", {
    gpuAccess: "gpus",
    cpuLimited: false,
    memoryLimitBytes: 0,
    memorySwapBytes: null,
  });
  assert.deepEqual(
    rules(audit([{ ...owner, labels: { "breakwater.gpu-owner": "true" } }], null, options)),
    [],
  );
  assert.deepEqual(rules(audit([owner], null, { ...options, ownerPatterns: ["olla*"] })), []);
});

Deno.test("writable mounts on the system disk warn; unknown disks are a note; read-only ones are not data", () => {
  const mount = (
    source: string,
    target: string,
    onSystemDisk: boolean | null,
    readOnly = false,
  ) => ({
    type: "volume" as const,
    source,
    target,
    readOnly,
    hostPath: onSystemDisk === null ? null : `/data/${source}`,
    onSystemDisk,
  });
  const findings = audit(
    [clean("db", {
      mounts: [
        mount("pgdata", "/var/lib/postgresql", true),
        mount("models", "/models", false),
        mount("cache", "/cache", null),
        mount("config", "/etc/app", true, true),
      ],
    })],
    null,
    options,
  );
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity, finding.message]), [
    ["disk.system", "warn", "volume pgdata → /var/lib/postgresql is on the system disk"],
    ["disk.unknown", "info", "cannot tell which disk volume cache → /cache is on"],
  ]);
});

Deno.test("I/O weights: a host note unless they work", () => {
  const note = audit([], { ioWeights: { supported: false, detail: "no BFQ" } }, options);
  assert.deepEqual(note.map((finding) => [finding.rule, finding.subject, finding.severity]), [[
    "io.weight",
    "host",
    "info",
  ]]);
  assert.deepEqual(audit([], { ioWeights: { supported: true, detail: "cgroup v2" } }, options), []);
});

Deno.test("a waiver keeps the finding, marked waived with its reason", () => {
  const waivers = [{
    rule: "limits.memory",
    container: "ollama*",
    reason: "the model server takes what the GPU leaves",
  }];
  const findings = audit(
    [clean("ollama-1", { memoryLimitBytes: 0, memorySwapBytes: null })],
    null,
    { ...options, waivers },
  );
  assert.deepEqual(findings.map((finding) => [finding.rule, finding.waived]), [
    ["limits.memory", "the model server takes what the GPU leaves"],
  ]);
});

Deno.test(
  needing("docker", "each fix names a real docker run flag and the Compose key"),
  async () => {
    const help = new TextDecoder().decode(
      (await new Deno.Command("docker", { args: ["run", "--help"] }).output()).stdout,
    );
    const expected: Record<string, [flag: string, key: string]> = {
      "gpu.multiple-owners": ["--gpus", "deploy.resources.reservations.devices"],
      "gpu.not-owner": ["--label", "labels:"],
      "limits.cpu": ["--cpus", "cpus:"],
      "limits.memory": ["--memory", "mem_limit:"],
      "limits.swap": ["--memory-swap", "memswap_limit"],
      "health.missing": ["--health-cmd", "healthcheck:"],
      "restart.missing": ["--restart", "restart:"],
      "disk.system": ["-v", "driver_opts"],
      "io.weight": ["--blkio-weight", "blkio_config.weight"],
    };
    for (const rule of Object.values(AUDIT_RULES)) {
      if (rule.id === "disk.unknown" || rule.id === "gpu.monitor") continue;
      const [flag, key] = expected[rule.id];
      assert.ok(rule.fix.container.includes(`${flag} `), `${rule.id}: container fix names ${flag}`);
      assert.match(
        help,
        new RegExp(`\\s${flag.replace(/-/g, "\\-")}[ ,]`),
        `${flag} is a docker run flag`,
      );
      assert.ok(rule.fix.service.includes(key), `${rule.id}: Compose fix names ${key}`);
    }
  },
);
