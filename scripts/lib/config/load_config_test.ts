import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "./config_error.ts";
import { loadConfig, parseConfigText } from "./load_config.ts";
import { UsageError } from "../usage_error.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

function problemsOf(text: string) {
  try {
    parseConfigText(text, { file: "/etc/bw/breakwater.yaml", env: env({ HOME: "/home/u" }) });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("an empty file gives every documented default", () => {
  const config = parseConfigText("", { file: "/x/breakwater.yaml", env: env({ HOME: "/home/u" }) });
  assert.equal(config.stateDir, "/home/u/.local/state/breakwater");
  assert.equal(config.dryRun, false);
  assert.deepEqual(config.protected, []);
  assert.equal(config.docker.concurrency, 8);
  assert.deepEqual(config.heal, {
    enabled: true,
    containers: [],
    reconcileInterval: 30_000,
    stopTimeout: 10_000,
    backoff: { initial: 10_000, max: 300_000, resetAfter: 600_000 },
    giveUp: { maxRestarts: 0, window: 3_600_000 },
  });
});

Deno.test("durations, nested keys and a relative stateDir are read", () => {
  const config = parseConfigText(
    "stateDir: ./state\nheal:\n  backoff: { initial: 2s, max: 1m }\n  reconcileInterval: 5\n",
    { file: "/etc/bw/breakwater.yaml", env: env({}) },
  );
  assert.equal(config.stateDir, "/etc/bw/state");
  assert.equal(config.heal.backoff.initial, 2_000);
  assert.equal(config.heal.backoff.max, 60_000);
  assert.equal(config.heal.backoff.resetAfter, 600_000);
  assert.equal(config.heal.reconcileInterval, 5_000);
});

Deno.test("stateDir starting with ~ is under the home directory", () => {
  const config = parseConfigText("stateDir: ~/bw", {
    file: "/x/b.yaml",
    env: env({ HOME: "/home/u" }),
  });
  assert.equal(config.stateDir, "/home/u/bw");
});

Deno.test("api.tokenFile: ~ is the home directory, a relative path is beside the config", () => {
  const read = (tokenFile: string) =>
    parseConfigText(`api:\n  tokenFile: ${tokenFile}\n`, {
      file: "/x/b.yaml",
      env: env({ HOME: "/home/u" }),
    }).api.tokenFile;
  assert.equal(read("~/.config/breakwater/token"), "/home/u/.config/breakwater/token");
  assert.equal(read("secrets/token"), "/x/secrets/token");
  assert.equal(read("/abs/token"), "/abs/token");
});

Deno.test("gpu.nvidiaSmi: a command name stays a name; ~ and a relative path are resolved", () => {
  const read = (nvidiaSmi: string) =>
    parseConfigText(`gpu:\n  nvidiaSmi: ${nvidiaSmi}\n`, {
      file: "/x/b.yaml",
      env: env({ HOME: "/home/u" }),
    }).gpu.nvidiaSmi;
  assert.equal(read("nvidia-smi"), "nvidia-smi");
  assert.equal(read("~/bin/nvidia-smi"), "/home/u/bin/nvidia-smi");
  assert.equal(read("./bin/nvidia-smi"), "/x/bin/nvidia-smi");
});

Deno.test("YAML syntax errors name file, line and column", () => {
  const error = problemsOf("heal:\n  containers: [a, b\nprotected: []\n");
  assert.equal(error.problems.length >= 1, true);
  assert.match(error.message, /^\/etc\/bw\/breakwater\.yaml:\d+:\d+: /);
  assert.equal(error.problems[0].position !== undefined, true);
});

Deno.test("a misspelt key is reported at its line with the full key path", () => {
  const error = problemsOf("heal:\n  backof:\n    initial: 5s\n");
  assert.deepEqual(error.problems.map(({ key, position }) => ({ key, position })), [
    { key: "heal.backof", position: { line: 2, column: 3 } },
  ]);
  assert.match(error.message, /breakwater\.yaml:2:3: heal\.backof: unknown key/);
});

Deno.test("a bad duration names the key, the value and the expected form", () => {
  const error = problemsOf("heal:\n  backoff:\n    initial: ten seconds\n");
  assert.equal(error.problems[0].key, "heal.backoff.initial");
  assert.deepEqual(error.problems[0].position, { line: 3, column: 14 });
  assert.match(error.message, /expected a duration such as "30s".*got "ten seconds"/);
});

Deno.test("wrong types and out-of-range numbers are each reported", () => {
  const error = problemsOf("dryRun: sometimes\ndocker:\n  concurrency: 0\nprotected: grafana\n");
  const keys = error.problems.map((problem) => `${problem.key}@${problem.position?.line}`);
  assert.deepEqual(keys.sort(), ["docker.concurrency@3", "dryRun@1", "protected@4"]);
});

Deno.test("a list item in the wrong shape is located inside the list", () => {
  const error = problemsOf("heal:\n  containers:\n    - web\n    - ''\n");
  assert.equal(error.problems[0].key, "heal.containers.1");
  assert.equal(error.problems[0].position?.line, 4);
});

Deno.test("a file that is not a mapping is rejected", () => {
  const error = problemsOf("- a\n- b\n");
  assert.equal(error.problems[0].key, "");
  assert.match(error.message, /expected object/i);
});

Deno.test("loadConfig: --config beats BREAKWATER_CONFIG; a named missing file is an error", async () => {
  const dir = await Deno.makeTempDir();
  const first = join(dir, "first.yaml");
  const second = join(dir, "second.yaml");
  await Deno.writeTextFile(first, "dryRun: true\n");
  await Deno.writeTextFile(second, "dryRun: false\n");
  const viaEnv = await loadConfig({ env: env({ BREAKWATER_CONFIG: first, HOME: dir }), cwd: dir });
  assert.equal(viaEnv.path, first);
  assert.equal(viaEnv.config.dryRun, true);
  const viaFlag = await loadConfig({
    path: second,
    env: env({ BREAKWATER_CONFIG: first }),
    cwd: dir,
  });
  assert.equal(viaFlag.config.dryRun, false);
  await assert.rejects(
    () => loadConfig({ path: join(dir, "missing.yaml"), env: env({}), cwd: dir }),
    (error: Error) =>
      error instanceof ConfigError &&
      /missing\.yaml: cannot read the config file \(no such file\)/.test(error.message),
  );
  const defaults = await loadConfig({ env: env({ HOME: dir }), cwd: dir });
  assert.equal(defaults.path, undefined);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bounds: a zero or huge interval and backoff.max below initial are refused", () => {
  const error = problemsOf(
    "heal:\n  reconcileInterval: 0\n  backoff: { initial: 1m, max: 10s }\ngpu:\n  cooldown: 600h\n",
  );
  const byKey = Object.fromEntries(error.problems.map((problem) => [problem.key, problem.message]));
  assert.match(byKey["heal.reconcileInterval"], /must be from 100ms to 1h, got 0/);
  assert.match(byKey["heal.backoff.max"], /max must not be below initial/);
  assert.match(byKey["gpu.cooldown"], /must be from 0ms to 24h, got "600h"/);
});

Deno.test("a config file over the size cap is refused before it is parsed", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "breakwater.yaml");
  await Deno.writeTextFile(path, "# padding\n".repeat(30_000));
  await assert.rejects(
    loadConfig({ path, env: () => undefined, cwd: dir }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /over 262144 bytes, the most that is read/.test(error.message),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("api.host must be an address or host name, said at its line", () => {
  const error = problemsOf('api:\n  host: "not a host!"\n');
  assert.match(
    error.message,
    /breakwater\.yaml:2:9: api\.host: an address or host name, such as 127\.0\.0\.1 or 0\.0\.0\.0/,
  );
  for (const host of ["0.0.0.0", "172.17.0.1", "::1", "my-pc.lan"]) {
    parseConfigText(`api:\n  host: "${host}"\n`, { file: "b.yaml", env: env({ HOME: "/h" }) });
  }
});

Deno.test("a device, FIFO or directory is one clear error, read no further than the cap", async () => {
  const dir = await Deno.makeTempDir();
  const fifo = join(dir, "fifo.yaml");
  await new Deno.Command("mkfifo", { args: [fifo] }).output();
  const cases: [string, RegExp][] = [
    ["/dev/zero", /a device, FIFO or socket, not a config file/],
    [fifo, /a device, FIFO or socket, not a config file/],
    [dir, /a directory, not a config file/],
  ];
  for (const [path, message] of cases) {
    await assert.rejects(
      loadConfig({ path, env: () => undefined, cwd: dir }),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
      path,
    );
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a YAML alias bomb is refused as a config error, not expanded", () => {
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (const [index, name] of ["b", "c", "d", "e", "f"].entries()) {
    const previous = "abcde"[index];
    levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
  }
  const error = problemsOf(levels.join("\n") + "\n");
  assert.match(error.message, /resource exhaustion/);
});

Deno.test("a stateDir that is a file, or under one, is refused with what to set", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "afile");
  await Deno.writeTextFile(file, "");
  for (const stateDir of [file, join(file, "below")]) {
    const path = join(dir, "breakwater.yaml");
    await Deno.writeTextFile(path, `stateDir: ${stateDir}\n`);
    await assert.rejects(
      loadConfig({ path, env: () => undefined, cwd: dir }),
      (error: unknown) =>
        error instanceof UsageError &&
        /is a file \(or lies under one\), not a folder/.test(error.message),
      stateDir,
    );
  }
  await Deno.remove(dir, { recursive: true });
});
