import assert from "node:assert/strict";
import { join } from "node:path";
import type { DoctorCheck } from "../../scripts/lib/doctor/doctor_check.ts";
import { createWorkspace, runScript } from "../support/daemon.ts";

async function doctor(
  args: string[],
): Promise<{ code: number; checks: Map<string, DoctorCheck>; stderr: string }> {
  const result = await runScript("doctor.ts", ["--json", ...args]);
  const checks: DoctorCheck[] = JSON.parse(result.stdout).checks;
  return {
    code: result.code,
    stderr: result.stderr,
    checks: new Map(checks.map((check) => [check.id, check])),
  };
}

Deno.test({
  name: "doctor on this machine: engine up, no WSL, no GPU, probes as they answer",
  async fn() {
    const up = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response("ok"),
    );
    const workspace = await createWorkspace(`probes:
  - name: up
    url: http://127.0.0.1:${up.addr.port}/healthz
  - name: down
    url: http://127.0.0.1:9/healthz
    timeout: 1s
api:
  port: ${up.addr.port}
`);
    try {
      const { code, checks } = await doctor(["--config", workspace.configPath]);
      assert.equal(code, 0);
      const status = (id: string) => checks.get(id)?.status;
      for (
        const id of [
          "engine.reachable",
          "engine.version",
          "engine.cgroup",
          "engine.storage",
          "self.config",
          "self.state-dir",
        ]
      ) {
        assert.equal(status(id), "ok", id);
      }
      assert.match(checks.get("wsl.detected")!.detail, /^not WSL2 \(kernel /);
      assert.equal(checks.has("wsl.config"), false);
      assert.equal(status("gpu.nvml"), "warn");
      assert.match(checks.get("gpu.nvml")!.detail, /^NVML not found: tried libnvidia-ml\.so\.1/);
      assert.equal(status("gpu.nvidia-smi"), "warn");
      assert.equal(checks.get("gpu.per-process")!.detail, "unknown: no GPU reader works here");
      assert.equal(status("probe.up"), "ok");
      assert.match(checks.get("probe.down")!.detail, /did not answer/);
      assert.equal(status("probe.down"), "warn");
      assert.equal(checks.get("self.api-port")!.detail, `127.0.0.1:${up.addr.port} is in use`);
    } finally {
      await up.shutdown();
      await workspace.remove();
    }
  },
});

Deno.test({
  name: "doctor with a WSL-like root reports WSL2 and the .wslconfig settings",
  async fn() {
    const root = await Deno.makeTempDir();
    try {
      await Deno.mkdir(join(root, "proc/sys/kernel"), { recursive: true });
      await Deno.writeTextFile(
        join(root, "proc/sys/kernel/osrelease"),
        "5.15.167.4-microsoft-standard-WSL2\n",
      );
      await Deno.mkdir(join(root, "usr/lib/wsl/lib"), { recursive: true });
      await Deno.mkdir(join(root, "mnt/c/Users/alice"), { recursive: true });
      await Deno.mkdir(join(root, "mnt/c/Users/Public"), { recursive: true });
      await Deno.writeTextFile(
        join(root, "mnt/c/Users/alice/.wslconfig"),
        "[wsl2]\r\nmemory=12GB\r\nprocessors=6\r\nswap=0\r\n",
      );
      const { checks } = await doctor(["--root", root]);
      assert.equal(
        checks.get("wsl.detected")!.detail,
        "WSL2 (kernel 5.15.167.4-microsoft-standard-WSL2, /usr/lib/wsl/lib present)",
      );
      const config = checks.get("wsl.config")!;
      assert.equal(config.status, "ok");
      assert.equal(
        config.detail,
        `${join(root, "mnt/c/Users/alice/.wslconfig")}: memory=12GB, processors=6, swap=0`,
      );
      assert.match(
        checks.get("gpu.per-process")!.detail,
        /^WSL2 \(WDDM\) gives no per-process GPU memory/,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "doctor: an invalid config is a failed check (exit 1); the rest still runs",
  async fn() {
    const workspace = await createWorkspace("heal:\n  backoff: { initial: soon }\n");
    try {
      const { code, checks } = await doctor(["--config", workspace.configPath]);
      assert.equal(code, 1);
      const config = checks.get("self.config")!;
      assert.equal(config.status, "fail");
      assert.match(
        config.detail,
        /breakwater\.yaml:3:\d+: heal\.backoff\.initial: expected a duration/,
      );
      assert.equal(checks.get("engine.reachable")?.status, "ok");
    } finally {
      await workspace.remove();
    }
  },
});
