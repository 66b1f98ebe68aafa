import assert from "node:assert/strict";
import { join } from "node:path";
import { createWorkspace } from "../support/daemon.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
type PermissionSet = Record<string, boolean | string[]>;
const sets: Record<string, PermissionSet> = config.permissions;
const NVIDIA_SMI = ["nvidia-smi", "/usr/lib/wsl/lib/nvidia-smi"];

/** The tasks that run one of breakwater's scripts. */
const scriptTasks = Object.entries(config.tasks as Record<string, string | { command: string }>)
  .map(([name, task]) => ({ name, command: typeof task === "string" ? task : task.command }))
  .filter(({ command }) => / scripts\/\w+\.ts/.test(command));

/** The daemon's V8 settings (docs/performance.md), the same in its task and its image. */
const WATCH_V8 = "--v8-flags=--max-semi-space-size=2,--memory-saver-mode";

Deno.test("permissions: each script task runs with its own set from deno.json, quietly", () => {
  assert.equal(scriptTasks.length, 12);
  for (const { name, command } of scriptTasks) {
    const v8 = name === "watch" ? `${WATCH_V8} ` : "";
    assert.match(command, new RegExp(`^deno run -q ${v8}-P=${name} scripts/\\w+\\.ts$`), name);
    assert.ok(sets[name], `${name}: no permission set`);
  }
  const dockerfile = Deno.readTextFileSync(join(ROOT, "compose/breakwater/Dockerfile"));
  assert.ok(
    dockerfile.includes(`"${WATCH_V8}", "--permission-set=watch", "scripts/watch.ts"`),
    "the image runs the daemon as the watch task does",
  );
});

Deno.test("permissions: all only where GPU processes are mapped to containers; elsewhere narrower", () => {
  // Deno reads /proc/<pid>/cgroup (which container a GPU process runs in) only with --allow-all.
  for (const name of ["watch", "gpu-watchdog", "gpu"]) assert.deepEqual(sets[name], { all: true });
  for (const [name, set] of Object.entries(sets)) {
    if (set.all) continue;
    // schedule runs wslpath under WSL2, for the path Task Scheduler opens; up and down run Docker
    // Compose (the plugin or docker-compose), up npm for the plugin's build; health reads the
    // cgroup counters through grep, Deno refusing /proc and /sys to anything but --allow-all.
    const compose = ["docker", "docker-compose"];
    assert.deepEqual(
      set.run ?? false,
      {
        doctor: NVIDIA_SMI,
        schedule: ["crontab", "wslpath"],
        up: ["npm", ...compose],
        down: compose,
        health: ["grep"],
      }[name] ?? false,
      `${name}: run`,
    );
    assert.equal(set.ffi ?? false, name === "doctor", `${name}: ffi only to look for NVML`);
    // up writes the user's ids into .env: the services run as the user.
    assert.deepEqual(set.sys ?? false, name === "up" ? ["uid", "gid"] : false, `${name}: sys`);
  }
  assert.deepEqual(sets.journal, { read: true, env: true }, "journal only reads");
  assert.deepEqual(sets.openapi, {
    read: true,
    write: ["plugin/src/api/openapi.json", "plugin/src/plugin.json"],
  });
  for (const name of ["health", "audit", "restart-unhealthy"]) {
    const { run: _run, ...set } = sets[name];
    assert.deepEqual(set, { read: true, write: true, net: true, env: true }, name);
  }
});

Deno.test("permissions: every task does its job under its set, and the set refuses the rest", async () => {
  const workspace = await createWorkspace("gpu:\n  source: none\nprobes: []\n");
  const args: Record<string, string[]> = {
    watch: ["--once", "--dry-run", "--json"],
    "restart-unhealthy": ["--dry-run", "--json"],
    "gpu-watchdog": ["--once", "--dry-run", "--json"],
    health: ["--json"],
    gpu: ["--json"],
    audit: ["--json"],
    doctor: ["--json"],
    schedule: ["print", "--mode", "cron"],
    journal: ["--json"],
    openapi: ["--help"],
    up: ["--dry-run"],
    down: ["--dry-run"],
  };
  try {
    for (const { name } of scriptTasks) {
      const config = ["schedule", "openapi"].includes(name)
        ? []
        : ["--config", workspace.configPath];
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["task", "-q", name, ...args[name], ...config],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout) +
        new TextDecoder().decode(output.stderr);
      assert.doesNotMatch(text, /NotCapable|Requires \w+ access/, `${name}: ${text}`);
      // gpu-watchdog with no GPU has nothing to run (exit 2); audit finds the machine's problems
      // (1); up stops at the images this engine lacks (2).
      assert.ok([0, 1, 2].includes(output.code), `${name} exited ${output.code}: ${text}`);
    }
    const probe = join(workspace.dir, "probe.ts");
    await Deno.writeTextFile(
      probe,
      `try { await new Deno.Command("true").output(); console.log("ran"); }
       catch (e) { console.log(e.name); }`,
    );
    // Where a set is narrower than all, what it leaves out is refused: health runs only grep.
    const refused = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", `--config=${join(ROOT, "deno.json")}`, "-P=health", probe],
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.equal(new TextDecoder().decode(refused.stdout).trim(), "NotCapable");
  } finally {
    await workspace.remove();
  }
});
