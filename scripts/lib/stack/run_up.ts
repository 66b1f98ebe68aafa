import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { audit, subjectsFromCompose, summarizeFindings } from "../audit/mod.ts";
import { readMountDisks } from "../audit/read_disks.ts";
import type { Config } from "../config/schema.ts";
import { isWslFromFacts, readWslFacts } from "../doctor/wsl_facts.ts";
import type { Engine } from "../engine/engine.ts";
import { defaultServices, type StackService } from "./compose_services.ts";
import { parseEnv, renderEnv } from "./env_file.ts";
import { interpolateDocument, InterpolationError } from "./interpolate.ts";
import { pluginNeedsBuild, readPluginTimes } from "./plugin_build.ts";
import { type Platform, reachability } from "./reachability.ts";
import { readStackContainers, waitForStack } from "./stack_containers.ts";
import { DATA_DIR_KEYS, type StackLayout } from "./stack_layout.ts";
import type { StepReporter } from "./step_reporter.ts";
import { pathExists } from "../path_exists.ts";

/** Options for {@linkcode runUp}. */
export interface UpOptions {
  layout: StackLayout;
  config: Config;
  engine: Engine;
  report: StepReporter;
  dryRun: boolean;
  /** For a new `.env`: the Ollama preset, the data folder and Grafana's admin password. */
  preset: string;
  dataDir: string | null;
  grafanaPassword: string | null;
  /** How long to wait for every service to be up, ms. */
  waitMs: number;
  /** Runs a program to its end (the plugin's npm build); resolves to its exit code. */
  runProgram: (command: string, args: string[], cwd: string) => Promise<number>;
}

/** How `up` ended. */
export type UpOutcome =
  | { status: "up"; grafanaUrl: string; login: string }
  | { status: "planned" }
  | { status: "needs-compose"; command: string }
  | { status: "blocked"; reason: string };

/**
 * Brings the compose stack up as far as breakwater may: the token, `.env`, Alertmanager's config,
 * the data folders, the plugin build, the audit, the daemon's reach, the images; then it starts
 * the stack's containers through the engine's API and waits for each to be up. Creating them is
 * `docker compose up`'s job, never breakwater's: the first time, it says so and stops there.
 * Idempotent: what exists is kept. With `dryRun`, it says what it would do and does nothing.
 */
export async function runUp(options: UpOptions): Promise<UpOutcome> {
  const { layout, report, dryRun } = options;
  const shown = (path: string) => {
    const inside = relative(Deno.cwd(), path);
    return inside && !inside.startsWith("..") ? inside : path;
  };

  const token = await ensureToken(layout.tokenFile, dryRun);
  report.step("token", token.created ? "create" : "keep", shown(layout.tokenFile));

  const env = await ensureEnv(options, token.value);
  if ("problem" in env) return blocked(report, "env", env.problem);
  report.step("env", env.created ? "create" : "keep", shown(layout.envFile));

  const alertmanager = await pathExists(layout.alertmanagerConfig);
  if (!alertmanager && !dryRun) {
    await Deno.copyFile(layout.alertmanagerExample, layout.alertmanagerConfig);
  }
  report.step(
    "alertmanager",
    alertmanager ? "keep" : "create",
    alertmanager
      ? shown(layout.alertmanagerConfig)
      : `${
        shown(layout.alertmanagerConfig)
      } from the example: fill in its receivers (docs/alerts.md)`,
  );

  for (const key of DATA_DIR_KEYS) {
    const path = env.values.get(key)!;
    const present = await pathExists(path);
    if (!present && !dryRun) await Deno.mkdir(path, { recursive: true });
    report.step("data", present ? "keep" : "create", `${key}=${path}`);
  }

  const plugin = await readPluginTimes(layout.pluginDir);
  if (pluginNeedsBuild(plugin)) {
    if (dryRun) report.step("plugin", "create", "plugin/dist (npm run build)");
    else {
      const built = await buildPlugin(options, plugin.nodeModules);
      if (!built) return blocked(report, "plugin", "the plugin build failed (its output is above)");
    }
  } else report.step("plugin", "keep", "plugin/dist is newer than its sources");

  const lookup = (name: string) => Deno.env.get(name) ?? env.values.get(name);
  let compose: unknown;
  try {
    compose = interpolateDocument(
      parseYaml(await Deno.readTextFile(layout.composeFile), { merge: true }),
      lookup,
    );
  } catch (error) {
    const why = error instanceof InterpolationError ? error.message : (error as Error).message;
    return blocked(report, "compose", `${shown(layout.composeFile)}: ${why}`);
  }
  const findings = audit(
    await readMountDisks(subjectsFromCompose(compose, layout.composeDir)),
    null,
    {
      ownerPatterns: options.config.gpu.owner,
      waivers: options.config.audit.waive,
    },
  );
  const summary = summarizeFindings(findings);
  if (summary.error > 0) {
    return blocked(
      report,
      "audit",
      `${summary.error} error(s) in ${shown(layout.composeFile)}: see deno task audit --compose ${
        shown(layout.composeFile)
      }`,
    );
  }
  report.step("audit", "ok", `${summary.warn} warning(s), ${summary.info} note(s)`);

  const daemon = await askDaemon(options.config.api.port, token.value);
  const reach = reachability({
    platform: await readPlatform(options.engine),
    apiHost: options.config.api.host,
    apiPort: options.config.api.port,
    allowedHosts: options.config.api.allowedHosts,
    listening: daemon !== null,
  });
  report.step(
    "daemon",
    reach.ok ? "ok" : "warn",
    reach.fix ? `${reach.detail}: ${reach.fix}` : reach.detail,
  );

  if (daemon === 401) {
    report.step(
      "token",
      "warn",
      `breakwater answers with another token than the stack's: set api.tokenFile: ${
        shown(layout.tokenFile)
      } in breakwater.yaml (or BREAKWATER_TOKEN to its content) and restart deno task watch`,
    );
  }

  const services = defaultServices(compose);
  const missing = await missingImages(options.engine, services);
  if (missing.length > 0) {
    return blocked(
      report,
      "images",
      `not on this engine: ${missing.join(", ")}. Get them with: cd ${
        shown(layout.composeDir)
      } && docker compose pull`,
    );
  }
  report.step("images", "ok", `${services.length} services' images present`);

  const projectName = env.values.get("COMPOSE_PROJECT_NAME") ?? "compose";
  const containers = await readStackContainers(options.engine, projectName);
  const absent = services.filter((service) =>
    !containers.some((container) => container.service === service.name)
  );
  if (absent.length > 0) {
    const command = `cd ${shown(layout.composeDir)} && docker compose up -d`;
    report.step(
      "containers",
      "todo",
      `${
        absent.map((service) => service.name).join(", ")
      } not created yet. breakwater talks only ` +
        `to the engine's API and never creates containers: run ${command}, then deno task up ` +
        "again to wait for the stack",
    );
    return { status: "needs-compose", command };
  }
  if (dryRun) {
    const stopped = containers.filter((container) => container.state !== "running");
    report.step(
      "start",
      "create",
      `would start ${stopped.map((each) => each.service).join(", ") || "nothing"}`,
    );
    return { status: "planned" };
  }
  for (const container of containers) {
    if (container.state === "running") continue;
    if (container.state === "paused") await options.engine.unpause(container.id);
    else await options.engine.start(container.id);
    report.step("start", "create", container.service);
  }
  const waited = await waitForStack(options.engine, projectName, services, options.waitMs, report);
  if (!waited.ok) return blocked(report, "wait", waited.detail);
  report.step("wait", "ok", waited.detail);
  const grafanaUrl = "http://127.0.0.1:3000";
  const login = `admin / the GF_ADMIN_PASSWORD in ${shown(layout.envFile)}`;
  return { status: "up", grafanaUrl, login };
}

function blocked(report: StepReporter, step: string, reason: string): UpOutcome {
  report.step(step, "fail", reason);
  return { status: "blocked", reason };
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The control API's token: read from its file, or made once into a file only the user reads. */
async function ensureToken(
  path: string,
  dryRun: boolean,
): Promise<{ value: string; created: boolean }> {
  const existing = await Deno.readTextFile(path).then((text) => text.trim(), () => "");
  if (existing && existing !== "change-me") {
    if (!dryRun) await Deno.chmod(path, 0o600);
    return { value: existing, created: false };
  }
  const value = randomHex(32);
  if (!dryRun) {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, `${value}\n`, { mode: 0o600 });
    await Deno.chmod(path, 0o600);
  }
  return { value, created: true };
}

/**
 * `.env`: an existing one is kept (and checked: the same token as the token file, absolute data
 * folders); a new one is written from `.env.example` with the token, fresh secrets, the preset and
 * the data folder, readable by the user alone.
 */
async function ensureEnv(
  options: UpOptions,
  token: string,
): Promise<{ values: Map<string, string>; created: boolean } | { problem: string }> {
  const { layout } = options;
  const text = await Deno.readTextFile(layout.envFile).catch(() => null);
  if (text !== null) {
    const values = parseEnv(text);
    const problems = envProblems(values, {
      token,
      tokenFile: layout.tokenFile,
      newOnlyFlags: [options.dataDir && "--data", options.grafanaPassword && "--grafana-password"]
        .filter((flag): flag is string => Boolean(flag)),
    });
    return problems.length > 0
      ? { problem: `${layout.envFile}: ${problems.join("; ")}` }
      : { values, created: false };
  }
  const dataRoot = resolve(options.dataDir ?? join(layout.composeDir, "data"));
  const values = new Map<string, string>([
    ["OLLAMA_PRESET", options.preset],
    ["BREAKWATER_TOKEN", token],
    ["OPENCLAW_GATEWAY_TOKEN", randomHex(24)],
    ["GF_ADMIN_PASSWORD", options.grafanaPassword ?? randomHex(12)],
    ["MODELS_DIR", join(dataRoot, "ollama")],
    ["PROMETHEUS_DIR", join(dataRoot, "prometheus")],
    ["GRAFANA_DIR", join(dataRoot, "grafana")],
  ]);
  const rendered = renderEnv(await Deno.readTextFile(layout.envTemplate), values);
  if (!options.dryRun) await Deno.writeTextFile(layout.envFile, rendered, { mode: 0o600 });
  return { values: parseEnv(rendered), created: true };
}

async function buildPlugin(options: UpOptions, nodeModules: boolean): Promise<boolean> {
  const { report, layout } = options;
  if (!nodeModules) {
    const stop = report.progress("plugin", "installing the plugin's npm packages (npm ci)");
    const code = await options.runProgram(
      "npm",
      ["ci", "--no-audit", "--no-fund"],
      layout.pluginDir,
    );
    stop(code === 0);
    if (code !== 0) return false;
  }
  const stop = report.progress("plugin", "building the Grafana plugin (npm run build)");
  const code = await options.runProgram("npm", ["run", "build"], layout.pluginDir);
  stop(code === 0);
  return code === 0;
}

async function readPlatform(engine: Engine): Promise<Platform> {
  const info = await engine.systemInfo().catch(() => null);
  if (info && /docker desktop/i.test(info.operatingSystem)) {
    const wsl = await readWslFacts();
    if (!isWslFromFacts(wsl)) return "docker-desktop";
    const mirrored = wsl.wslConfigs.some((file) => file.networkingMode === "mirrored");
    return mirrored ? "wsl2-mirrored" : "wsl2-nat";
  }
  return "linux";
}

/** The status the daemon on `port` answers the stack's token with; null when nothing answers. */
async function askDaemon(port: number, token: string): Promise<number | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/status`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return null;
  }
}

async function missingImages(engine: Engine, services: readonly StackService[]): Promise<string[]> {
  const images = [...new Set(services.flatMap((service) => service.image ? [service.image] : []))];
  const present = await Promise.all(images.map((image) => engine.hasImage(image)));
  return images.filter((_, index) => !present[index]);
}

/**
 * What is wrong with an existing `.env` for this stack: a token other than the token file's, data
 * folders that are not absolute, flags that only shape a new `.env`. Pure.
 */
export function envProblems(
  values: ReadonlyMap<string, string>,
  expected: { token: string; tokenFile: string; newOnlyFlags: readonly string[] },
): string[] {
  const problems: string[] = [];
  if (values.get("BREAKWATER_TOKEN") !== expected.token) {
    problems.push(
      `its BREAKWATER_TOKEN differs from ${expected.tokenFile}: make them the same (or remove ` +
        ".env to have it written again)",
    );
  }
  for (const key of DATA_DIR_KEYS) {
    const path = values.get(key);
    if (!path || !isAbsolute(path)) {
      problems.push(
        `${key}=${
          path ?? ""
        } must be an absolute folder (Docker binds a volume's device only by absolute path)`,
      );
    }
  }
  if (expected.newOnlyFlags.length > 0) {
    problems.push(
      `${expected.newOnlyFlags.join(" and ")} apply to a new .env only: edit it, or remove it`,
    );
  }
  return problems;
}
