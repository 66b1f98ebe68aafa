import assert from "node:assert/strict";
import { join } from "node:path";
import { cp } from "node:fs/promises";
import { createWorkspace, type Workspace } from "../support/daemon.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A copy of the checkout's stack files: compose/ and a plugin whose dist is up to date. */
async function stackCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "breakwater-stack-" });
  await cp(join(ROOT, "compose"), join(dir, "compose"), { recursive: true });
  for (const generated of [".env", "secrets/breakwater-token", "alertmanager/alertmanager.yml"]) {
    await Deno.remove(join(dir, "compose", generated)).catch(() => {});
  }
  await Deno.mkdir(join(dir, "plugin/src"), { recursive: true });
  await Deno.writeTextFile(join(dir, "plugin/src/module.ts"), "export {};\n");
  await Deno.mkdir(join(dir, "plugin/dist"));
  const built = new Date(Date.now() + 60_000);
  await Deno.writeTextFile(join(dir, "plugin/dist/plugin.json"), "{}\n");
  await Deno.utime(join(dir, "plugin/dist/plugin.json"), built, built);
  return dir;
}

/** Runs `up` or `down` as a user would (`deno task`), or with another PATH. */
async function task(
  name: string,
  args: string[],
  workspace: Workspace,
  env: Record<string, string> = {},
) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args, "--config", workspace.configPath],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const listing = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name)).sort();

Deno.test("up --dry-run: plans the token, .env, data folders and Compose's run, and writes nothing", async () => {
  const dir = await stackCopy();
  const workspace = await createWorkspace();
  try {
    const before = await listing(join(dir, "compose"));
    const dry = await task("up", ["--project", dir, "--dry-run", "--json"], workspace);
    assert.equal(dry.code, 0, dry.stderr);
    const { outcome, steps } = JSON.parse(dry.stdout);
    assert.equal(outcome.status, "planned");
    const step = (name: string) => steps.filter((each: { name: string }) => each.name === name);
    assert.match(step("token")[0].detail, /state\/api-token, as deno task watch makes it/);
    assert.match(step("compose")[0].detail, /^(docker compose|docker-compose) \d/);
    assert.match(step("gpu")[0].detail, /Ollama on CPU: the engine has no NVIDIA runtime/);
    assert.deepEqual(
      step("data").map((each: { detail: string }) => each.detail.split("=")[0]),
      ["MODELS_DIR", "PROMETHEUS_DIR", "GRAFANA_DIR", "ALERTMANAGER_DIR", "OPENCLAW_DIR"],
    );
    assert.match(dry.stderr, /→ data {9}would create MODELS_DIR=.*compose\/data\/ollama/);
    assert.deepEqual(await listing(join(dir, "compose")), before, "--dry-run writes nothing");
    assert.deepEqual(await listing(join(dir, "compose/secrets")), ["breakwater-token.example"]);
    assert.equal(await Deno.stat(workspace.stateDir).catch(() => null), null, "nor for breakwater");
  } finally {
    await workspace.remove();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("up: a data folder another user owns is refused, saying how to take it back", async () => {
  const dir = await stackCopy();
  const workspace = await createWorkspace();
  try {
    const data = join(dir, "bulk");
    await Deno.mkdir(join(data, "grafana"), { recursive: true });
    // What an earlier stack left: Grafana's folder written by the image's user, 472.
    await Deno.chown(join(data, "grafana"), 472, 0);
    const up = await task("up", ["--project", dir, "--data", data, "--dry-run"], workspace);
    assert.equal(up.code, 2, up.stderr);
    assert.match(
      up.stderr,
      new RegExp(
        `✗ data {9}GRAFANA_DIR=${data}/grafana: owned by uid 472, not you \\(${Deno.uid()}\\): ` +
          `the services run as you. Take it back with sudo chown -R ${Deno.uid()}:${Deno.gid()}`,
      ),
    );
  } finally {
    await workspace.remove();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("up and down without Docker Compose say how to install it", async () => {
  const dir = await stackCopy();
  const workspace = await createWorkspace();
  try {
    const noCompose = { PATH: "/nonexistent" };
    const up = await task("up", ["--project", dir, "--dry-run"], workspace, noCompose);
    assert.equal(up.code, 2, up.stderr);
    assert.match(
      up.stderr,
      /✗ compose {6}Docker Compose is not installed: install the compose plugin/,
    );
    const down = await task("down", ["--project", dir], workspace, noCompose);
    assert.equal(down.code, 1, down.stderr);
    assert.match(down.stderr, /Docker Compose is not installed/);
  } finally {
    await workspace.remove();
    await Deno.remove(dir, { recursive: true });
  }
});
