import assert from "node:assert/strict";
import { join } from "node:path";
import type { Finding } from "../../scripts/lib/audit/mod.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, runScript } from "../support/daemon.ts";

const MIB64 = 64 * 1024 ** 2;
const QUOTAS = {
  NanoCpus: 500_000_000,
  Memory: MIB64,
  MemorySwap: MIB64,
  RestartPolicy: { Name: "unless-stopped" },
};
const GPU_REQUEST = { DeviceRequests: [{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }] };

Deno.test({
  name: "audit on the real engine: each finding exactly, none for a clean container, waivers shown",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(`audit:
  waive:
    - rule: limits.memory
      container: "${containers.name("bare")}"
      reason: test waiver
`);
    const shm = await Deno.makeTempDir({ dir: "/dev/shm" });
    try {
      await containers.create("clean", { hostConfig: QUOTAS });
      await containers.create("bare", { health: "none" });
      await containers.create("swap-unlimited", { hostConfig: { ...QUOTAS, MemorySwap: -1 } });
      await containers.create("swap-default", { hostConfig: { ...QUOTAS, MemorySwap: 0 } });
      await containers.create("gpu-unmarked", {
        start: false,
        hostConfig: { ...QUOTAS, ...GPU_REQUEST },
      });
      await containers.create("gpu-owner", {
        start: false,
        health: "none",
        labels: { "breakwater.gpu-owner": "true" },
        hostConfig: { RestartPolicy: { Name: "always" }, ...GPU_REQUEST },
      });
      await containers.create("root-bind", { hostConfig: { ...QUOTAS, Binds: ["/:/host"] } });
      await containers.create("config-bind", {
        hostConfig: { ...QUOTAS, Binds: ["/etc/hostname:/etc/app-host:ro"] },
      });
      await containers.create("tmpfs-bind", {
        hostConfig: { ...QUOTAS, Binds: [`${shm}:/scratch`] },
      });

      const result = await runScript("audit.ts", ["--json", "--config", workspace.configPath]);
      assert.equal(result.code, 1, result.stderr);
      const report = JSON.parse(result.stdout) as { mode: string; findings: Finding[] };
      assert.equal(report.mode, "live");
      const mine = (suffix: string) =>
        report.findings.filter((finding) => finding.subject === containers.name(suffix))
          .map((finding) =>
            finding.waived ? `${finding.rule} (waived: ${finding.waived})` : finding.rule
          );

      assert.deepEqual(mine("clean"), []);
      assert.deepEqual(mine("tmpfs-bind"), [], "a bind on another device is fine");
      assert.deepEqual(mine("bare"), [
        "limits.cpu",
        "limits.memory (waived: test waiver)",
        "health.missing",
        "restart.missing",
      ]);
      assert.deepEqual(mine("swap-unlimited"), ["limits.swap"]);
      assert.deepEqual(mine("swap-default"), ["limits.swap"]);
      assert.deepEqual(mine("gpu-unmarked"), ["gpu.multiple-owners", "gpu.not-owner"]);
      assert.deepEqual(
        mine("gpu-owner"),
        ["gpu.multiple-owners", "health.missing"],
        "the owner needs no quotas",
      );
      assert.deepEqual(mine("root-bind"), ["disk.system"]);
      assert.deepEqual(mine("config-bind"), [], "a read-only configuration bind is not heavy data");
      const rootBind = report.findings.find((finding) =>
        finding.subject === containers.name("root-bind")
      );
      assert.match(rootBind!.message, /^bind \/ → \/host is on the system disk$/);
      const notOwner = report.findings.find((finding) =>
        finding.subject === containers.name("gpu-unmarked") && finding.rule === "gpu.not-owner"
      );
      assert.match(notOwner!.message, /has GPU access \(device request \(--gpus\)\)/);
      assert.match(notOwner!.fix, /--label breakwater\.gpu-owner=true/);

      const table = await runScript("audit.ts", ["--config", workspace.configPath]);
      assert.match(table.stdout, /^SEVERITY\s+RULE\s+CONTAINER\s+PROBLEM\s+FIX/);
      assert.match(
        table.stdout,
        new RegExp(`waived \\(error\\)\\s+limits\\.memory\\s+${containers.name("bare")}`),
      );
      assert.match(table.stdout, /\d+ error\(s\), \d+ warning\(s\), \d+ note\(s\), \d+ waived/);
    } finally {
      await containers.removeAll();
      await workspace.remove();
      await Deno.remove(shm, { recursive: true });
    }
  },
});

Deno.test({
  name: "audit --compose: static mode on a file, exit 0 without errors, 2 for an unreadable file",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const file = join(dir, "compose.yaml");
      await Deno.writeTextFile(
        file,
        `services:
  ollama:
    image: ollama/ollama
    labels: { breakwater.gpu-owner: "true" }
    restart: unless-stopped
    healthcheck: { test: ["CMD", "ollama", "list"] }
    deploy:
      resources:
        reservations:
          devices: [{ driver: nvidia, count: all, capabilities: [gpu] }]
  bot:
    image: bot
    cpus: 0.5
    mem_limit: 256m
    memswap_limit: 512m
    restart: unless-stopped
    healthcheck: { test: ["CMD", "true"] }
`,
      );
      const result = await runScript("audit.ts", ["--compose", file, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as { mode: string; findings: Finding[] };
      assert.equal(report.mode, "compose");
      assert.deepEqual(report.findings.map((finding) => `${finding.rule}:${finding.subject}`), [
        "limits.swap:bot",
      ]);
      assert.match(report.findings[0].fix, /memswap_limit equal to mem_limit/);

      const missing = await runScript("audit.ts", ["--compose", join(dir, "nope.yaml")]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read the Compose file .*nope\.yaml/);
      await Deno.writeTextFile(join(dir, "bad.yaml"), "services: [\n");
      const bad = await runScript("audit.ts", ["--compose", join(dir, "bad.yaml")]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /bad\.yaml: not valid YAML/);

      // Only Compose resolves ${...} as Compose does: a file that has them is refused, saying how.
      await Deno.writeTextFile(join(dir, "vars.yaml"), "services:\n  a:\n    image: ${IMAGE}\n");
      const vars = await runScript("audit.ts", ["--compose", join(dir, "vars.yaml")]);
      assert.equal(vars.code, 2);
      assert.match(
        vars.stderr,
        /uses variables .*docker compose config \| deno task audit --compose -/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
