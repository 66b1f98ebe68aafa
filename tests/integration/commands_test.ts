import assert from "node:assert/strict";
import { join } from "node:path";
import type { HealthRow } from "../../scripts/lib/health/mod.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, runScript } from "../support/daemon.ts";
import { waitFor } from "../support/wait.ts";

Deno.test({
  name: "health --json reports the engine's limits, health and roles, and exits 1 on unhealthy",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace(`protected: ["${containers.name("prot*")}"]\n`);
    try {
      await containers.create("limited", {
        labels: { autoheal: "true" },
        hostConfig: { NanoCpus: 500_000_000, Memory: 64 * 1024 ** 2, MemorySwap: 64 * 1024 ** 2 },
      });
      const sick = await containers.create("protected-sick", { health: "failing" });
      await containers.create("stopped", { start: false, health: "none" });
      await waitFor(
        "a container to be unhealthy",
        async () => (await containers.health(sick)) === "unhealthy",
      );

      const result = await runScript("health.ts", ["--json", "--config", workspace.configPath]);
      const rows: HealthRow[] = JSON.parse(result.stdout).containers;
      assert.equal(result.code, rows.some((row) => row.health === "unhealthy") ? 1 : 0);
      assert.equal(result.code, 1);
      const byName = new Map(rows.map((row) => [row.name, row]));
      const limited = byName.get(containers.name("limited"))!;
      assert.equal(limited.state, "running");
      assert.equal(limited.nanoCpus, 500_000_000);
      assert.equal(limited.memoryLimitBytes, 64 * 1024 ** 2);
      assert.equal(limited.cpuLimited, true);
      assert.equal(limited.heal, true);
      assert.equal(limited.protected, false);
      assert.equal(typeof limited.cpuPercent, "number");
      assert.ok(limited.memoryBytes! > 0 && limited.memoryBytes! < 64 * 1024 ** 2);
      const protectedSick = byName.get(containers.name("protected-sick"))!;
      assert.equal(protectedSick.health, "unhealthy");
      assert.equal(protectedSick.protected, true);
      assert.equal(protectedSick.heal, false);
      assert.equal(protectedSick.memoryLimitBytes, 0);
      const stopped = byName.get(containers.name("stopped"))!;
      assert.equal(stopped.state, "created");
      assert.equal(stopped.health, "none");
      assert.equal(stopped.cpuPercent, null);

      const table = await runScript("health.ts", ["--config", workspace.configPath]);
      assert.match(table.stdout, /^NAME\s+STATE\s+HEALTH\s+RESTARTS/);
      assert.match(
        table.stdout,
        new RegExp(`${containers.name("limited")}\\s+running\\s+\\S+\\s+0\\s`),
      );
    } finally {
      await containers.removeAll();
      await workspace.remove();
    }
  },
});

Deno.test({
  name: "an unreachable engine exits 2 naming the socket tried and what to check",
  async fn() {
    const result = await runScript("health.ts", ["--json"], {
      DOCKER_HOST: "unix:///tmp/breakwater-no-such.sock",
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /cannot reach the Docker engine at unix:\/\/\/tmp\/breakwater-no-such\.sock \(ENOENT, address from DOCKER_HOST\)\. Is the engine running\?/,
    );
    assert.equal(result.stdout, "");
  },
});

Deno.test({
  name: "malformed config files each fail with file, line, key and what is wrong",
  async fn() {
    const dir = await Deno.makeTempDir();
    const cases: [string, string, RegExp][] = [
      ["syntax.yaml", "heal:\n  containers: [a, b\n", /syntax\.yaml:\d+:\d+: YAML syntax: /],
      [
        "typo.yaml",
        "heal:\n  recncileInterval: 5s\n",
        /typo\.yaml:2:3: heal\.recncileInterval: unknown key/,
      ],
      [
        "duration.yaml",
        "heal:\n  backoff:\n    max: forever\n",
        /duration\.yaml:3:10: heal\.backoff\.max: expected a duration such as "30s".*got "forever"/,
      ],
      [
        "type.yaml",
        "docker:\n  concurrency: lots\n",
        /type\.yaml:2:16: docker\.concurrency: Invalid input: expected number/,
      ],
      ["list.yaml", "- heal\n", /list\.yaml:1:1: Invalid input: expected object, received array/],
    ];
    try {
      for (const [file, text, expected] of cases) {
        await Deno.writeTextFile(join(dir, file), text);
        for (const script of ["health.ts", "watch.ts"]) {
          const result = await runScript(
            script,
            ["--once", "--config", join(dir, file)].filter((arg) =>
              script === "watch.ts" || arg !== "--once"
            ),
          );
          assert.equal(result.code, 2, `${script} ${file}`);
          assert.match(result.stderr, /^breakwater: invalid config\n/);
          assert.match(result.stderr, expected);
        }
      }
      const missing = await runScript("health.ts", [], {
        BREAKWATER_CONFIG: join(dir, "nope.yaml"),
      });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /nope\.yaml: cannot read the config file \(no such file\)/);
      const badFlag = await runScript("health.ts", ["--frobnicate"]);
      assert.equal(badFlag.code, 2);
      assert.equal(badFlag.stderr, "breakwater: Unknown option '--frobnicate'; see --help\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "restart-unhealthy --dry-run journals the decision and changes nothing; journal prints it",
  async fn() {
    const containers = new TestContainers();
    const workspace = await createWorkspace();
    try {
      const sick = await containers.create("dry", {
        labels: { "breakwater.heal": "true" },
        health: "failing",
      });
      await waitFor(
        "the container to be unhealthy",
        async () => (await containers.health(sick)) === "unhealthy",
      );
      const startedAt = await containers.startedAt(sick);
      const result = await runScript("restart_unhealthy.ts", [
        "--dry-run",
        "--config",
        workspace.configPath,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`restart ${containers.name("dry")}: dry-run`));
      assert.equal(await containers.startedAt(sick), startedAt);
      const entries = (await workspace.entries()).filter((entry) =>
        entry.container?.name === containers.name("dry")
      );
      assert.deepEqual(entries.map((entry) => [entry.action, entry.result]), [[
        "restart",
        "dry-run",
      ]]);
      await assert.rejects(
        () => Deno.stat(join(workspace.stateDir, "state.json")),
        Deno.errors.NotFound,
      );

      const journal = await runScript("journal.ts", ["--json", "--config", workspace.configPath]);
      assert.equal(journal.code, 0);
      assert.deepEqual(JSON.parse(journal.stdout).entries, await workspace.entries());
      const table = await runScript("journal.ts", [
        "--limit",
        "1",
        "--config",
        workspace.configPath,
      ]);
      assert.match(
        table.stdout,
        new RegExp(`restart\\s+${containers.name("dry")}\\s+dry-run\\s+policy`),
      );
      const badLimit = await runScript("journal.ts", [
        "--limit",
        "0",
        "--config",
        workspace.configPath,
      ]);
      assert.equal(badLimit.code, 2);
      assert.match(badLimit.stderr, /--limit must be a whole number above 0/);
    } finally {
      await containers.removeAll();
      await workspace.remove();
    }
  },
});

Deno.test({
  name: "every user error is one line and exit 2; --help writes nothing",
  async fn() {
    const cases: [string, string[], RegExp][] = [
      [
        "journal.ts",
        ["--limit", "abc"],
        /^breakwater: --limit must be a whole number above 0, got "abc"$/,
      ],
      ["journal.ts", ["--since", "yesterday"], /^breakwater: --since takes an ISO 8601 time/],
      ["health.ts", ["extra-arg"], /^breakwater: unexpected argument "extra-arg"; see --help$/],
      ["schedule.ts", [], /^breakwater: say what to do: print, install, uninstall$/],
      ["schedule.ts", ["print"], /^breakwater: --mode must be one of cron, systemd, windows$/],
      ["schedule.ts", ["print", "now", "--mode", "cron"], /unexpected argument "now" \(it takes/],
      [
        "audit.ts",
        ["--compose", "/nonexistent/compose.yaml"],
        /^breakwater: cannot read the Compose file/,
      ],
      ["openapi.ts", ["--bogus"], /^breakwater: Unknown option '--bogus'; see --help$/],
      [
        "journal.ts",
        ["--limit"],
        /^breakwater: Option '-n, --limit <value>' argument missing; see --help$/,
      ],
      [
        "doctor.ts",
        ["--root", "/nonexistent"],
        /^breakwater: --root \/nonexistent: no such folder/,
      ],
    ];
    for (const [script, args, expected] of cases) {
      const result = await runScript(script, args);
      const what = `${script} ${args.join(" ")}`;
      assert.equal(result.code, 2, what);
      assert.equal(result.stderr.trimEnd().split("\n").length, 1, `${what}: ${result.stderr}`);
      assert.match(result.stderr.trimEnd(), expected, what);
      assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/, `${what}: a stack trace`);
    }
    const noGpu = await runScript("gpu.ts", ["--json", "--source", "nvidia-smi"], {
      PATH: "/nonexistent",
    });
    assert.equal(noGpu.code, 2);
    assert.equal(JSON.parse(noGpu.stdout).gpus.length, 0, "--json prints JSON without a GPU too");
    assert.match(JSON.parse(noGpu.stdout).reason, /nvidia-smi not found/);
    const openapi = new URL("../../plugin/src/api/openapi.json", import.meta.url);
    const before = (await Deno.stat(openapi)).mtime?.getTime();
    const help = await runScript("openapi.ts", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: deno task openapi/);
    assert.equal((await Deno.stat(openapi)).mtime?.getTime(), before, "--help wrote the file");
  },
});

Deno.test({
  name: "config and environment mistakes are one clear message and exit 2, never a stack trace",
  async fn() {
    const dir = await Deno.makeTempDir();
    const file = join(dir, "afile");
    await Deno.writeTextFile(file, "");
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(join(dir, name), text);
      return join(dir, name);
    };
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["--config", "/dev/zero"], {}, /not a config file/],
      [["--config", dir], {}, /a directory, not a config file/],
      [["--config", await write("sd.yaml", `stateDir: ${file}\n`)], {}, /is a file/],
      [
        ["--config", await write("dh.yaml", 'docker: {host: "tcp://[bad"}\n')],
        {},
        /docker\.host in the config: "tcp:\/\/\[bad" is not a valid address/,
      ],
      [[], { DOCKER_HOST: "tcp://[::1" }, /DOCKER_HOST: .* is not a valid address/],
    ];
    try {
      for (const [args, env, message] of cases) {
        for (const script of ["health.ts", "watch.ts"]) {
          const result = await runScript(script, [
            ...args,
            ...(script === "watch.ts" ? ["--once"] : []),
          ], {
            HOME: dir,
            ...env,
          });
          assert.equal(result.code, 2, `${script} ${args.join(" ")}: ${result.stderr}`);
          assert.match(result.stderr, message);
          assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
