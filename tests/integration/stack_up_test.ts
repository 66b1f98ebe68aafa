import assert from "node:assert/strict";
import { join } from "node:path";
import { cp } from "node:fs/promises";
import { parse, stringify } from "yaml";
import { parseEnv } from "../../scripts/lib/stack/env_file.ts";
import { TestContainers } from "../support/containers.ts";
import { createWorkspace, Daemon, type Workspace } from "../support/daemon.ts";
import { freePort } from "../support/loopback_server.ts";
import { TEST_IMAGE } from "../support/test_image.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A copy of the checkout's stack files: compose/ and a plugin whose dist is up to date. */
async function stackCopy(edit?: (compose: Record<string, unknown>) => void): Promise<string> {
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
  if (edit) {
    const file = join(dir, "compose/compose.yaml");
    const compose = parse(await Deno.readTextFile(file), { merge: true });
    edit(compose);
    await Deno.writeTextFile(file, stringify(compose));
  }
  return dir;
}

async function task(name: string, args: string[], workspace: Workspace) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args, "--config", workspace.configPath],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("up: writes the token, .env, Alertmanager's config and data folders once, then names the missing images", async () => {
  const dir = await stackCopy();
  const workspace = await createWorkspace();
  try {
    const dry = await task("up", ["--project", dir, "--dry-run"], workspace);
    assert.equal(dry.code, 2, dry.stderr);
    assert.match(dry.stderr, /→ token {8}would create .*secrets\/breakwater-token/);
    assert.deepEqual(
      await Array.fromAsync(Deno.readDir(join(dir, "compose/secrets")), (entry) => entry.name),
      ["breakwater-token.example"],
      "--dry-run writes nothing",
    );

    const data = join(dir, "bulk");
    const first = await task(
      "up",
      ["--project", dir, "--data", data, "--preset", "ollama-24gb", "--json"],
      workspace,
    );
    assert.equal(first.code, 2, first.stderr);
    const tokenFile = join(dir, "compose/secrets/breakwater-token");
    assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600, "only the user reads it");
    const token = (await Deno.readTextFile(tokenFile)).trim();
    assert.match(token, /^[0-9a-f]{64}$/);
    const envFile = join(dir, "compose/.env");
    assert.equal((await Deno.stat(envFile)).mode! & 0o777, 0o600);
    const env = parseEnv(await Deno.readTextFile(envFile));
    assert.equal(env.get("BREAKWATER_TOKEN"), token);
    assert.equal(env.get("OLLAMA_PRESET"), "ollama-24gb");
    assert.notEqual(env.get("GF_ADMIN_PASSWORD"), "change-me");
    assert.deepEqual(
      ["MODELS_DIR", "PROMETHEUS_DIR", "GRAFANA_DIR"].map((key) => env.get(key)),
      [join(data, "ollama"), join(data, "prometheus"), join(data, "grafana")],
    );
    for (const folder of ["ollama", "prometheus", "grafana"]) {
      assert.ok((await Deno.stat(join(data, folder))).isDirectory);
    }
    assert.equal(
      await Deno.readTextFile(join(dir, "compose/alertmanager/alertmanager.yml")),
      await Deno.readTextFile(join(dir, "compose/alertmanager/alertmanager.example.yml")),
    );
    const outcome = JSON.parse(first.stdout);
    assert.equal(outcome.outcome.status, "blocked");
    const images = outcome.steps.find((step: { name: string }) => step.name === "images");
    assert.equal(images.status, "fail");
    assert.match(
      images.detail,
      /not on this engine: ollama\/ollama:0\.12\.6, .*grafana\/grafana:13\.2\.3/,
    );
    assert.match(images.detail, /docker compose pull$/);

    const envBefore = await Deno.readTextFile(envFile);
    const again = await task("up", ["--project", dir], workspace);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /= token {8}/);
    assert.match(again.stderr, /= env {10}/);
    assert.equal((await Deno.readTextFile(tokenFile)).trim(), token, "the token is made once");
    assert.equal(await Deno.readTextFile(envFile), envBefore, ".env is kept as it is");

    const flags = await task("up", ["--project", dir, "--data", "/elsewhere"], workspace);
    assert.equal(flags.code, 2);
    assert.match(flags.stderr, /--data apply to a new \.env only: edit it, or remove it/);
  } finally {
    await workspace.remove();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("up starts the stack Compose made through the engine's API and waits for it; down stops it, keeping its data", async () => {
  const containers = new TestContainers();
  const projectName = `bw-${containers.runId}`;
  const docker = containers.docker;
  const tags: string[] = [];
  const services: string[] = [];
  const dir = await stackCopy((compose) => {
    const all = compose.services as Record<string, Record<string, unknown>>;
    for (const [name, service] of Object.entries(all)) {
      if (service.profiles) continue;
      services.push(name);
      service.image = `breakwater-test/${name}:${containers.runId}`;
      tags.push(service.image as string);
    }
  });
  const workspace = await createWorkspace();
  try {
    const template = join(dir, "compose/.env.example");
    await Deno.writeTextFile(
      template,
      (await Deno.readTextFile(template)).replace(
        /^COMPOSE_PROJECT_NAME=.*$/m,
        `COMPOSE_PROJECT_NAME=${projectName}`,
      ),
    );
    for (const tag of tags) {
      const [repo, version] = tag.split(":");
      await docker.getImage(TEST_IMAGE).tag({ repo, tag: version });
    }
    const first = await task("up", ["--project", dir], workspace);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stdout, new RegExp(`Once: cd ${dir}/compose && docker compose up -d`));

    // What `docker compose up -d` would have made, stopped since.
    for (const service of services) {
      await containers.create(service, {
        start: false,
        labels: {
          "com.docker.compose.project": projectName,
          "com.docker.compose.service": service,
          "breakwater.stop-timeout": "1",
        },
      });
    }
    const up = await task("up", ["--project", dir, "--timeout", "60"], workspace);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /The stack is up\. Grafana: http:\/\/127\.0\.0\.1:3000 \(login admin/);
    assert.match(up.stderr, /✓ wait {9}.*ollama: up/);
    for (const service of services) {
      const state = (await docker.getContainer(containers.name(service)).inspect()).State;
      assert.deepEqual([state.Status, state.Health?.Status], ["running", "healthy"], service);
    }

    const down = await task("down", ["--project", dir], workspace);
    assert.equal(down.code, 0, down.stderr);
    for (const service of services) {
      const state = (await docker.getContainer(containers.name(service)).inspect()).State;
      assert.equal(state.Status, "exited", service);
    }
    assert.match(down.stderr, /= data {9}volumes and data folders are left as they are/);
    assert.ok((await Deno.stat(join(dir, "compose/data/ollama"))).isDirectory, "data kept");
    assert.ok((await Deno.stat(join(dir, "compose/.env"))).isFile);
  } finally {
    await containers.removeAll();
    for (const tag of tags) await docker.getImage(tag).remove().catch(() => {});
    await workspace.remove();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("up: says when the running breakwater answers the stack's token with 401, and what to set", async () => {
  const dir = await stackCopy();
  const port = freePort();
  const workspace = await createWorkspace(stringify({
    api: { port },
    gpu: { enabled: false },
    probes: [],
  }));
  const daemon = await Daemon.start(["--config", workspace.configPath], {
    BREAKWATER_TOKEN: "not-the-stack-token-0123456789",
  });
  try {
    await daemon.apiUrl();
    const up = await task("up", ["--project", dir], workspace);
    assert.match(
      up.stderr,
      /! token {8}breakwater answers with another token than the stack's: set api\.tokenFile: .*compose\/secrets\/breakwater-token/,
    );
  } finally {
    await daemon.stop();
    await workspace.remove();
    await Deno.remove(dir, { recursive: true });
  }
});
