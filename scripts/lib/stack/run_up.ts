import { parse as parseEnv } from "dotenv";
import { dirname, join, relative, resolve } from "node:path";
import { resolveToken } from "../api/token.ts";
import { audit, readMountDisks, subjectsFromCompose } from "../audit/mod.ts";
import type { Config } from "../config/schema.ts";
import { isWslFromFacts, readWslFacts } from "../doctor/wsl_facts.ts";
import type { Engine } from "../engine/engine.ts";
import { pathExists } from "../path_exists.ts";
import { Compose, composeEnvironment, composeName, findCompose } from "./compose_cli.ts";
import { nestedMountPoints, publishedAddress } from "./compose_model.ts";
import { defaultServices } from "./compose_services.ts";
import { renderEnv } from "./env_template.ts";
import { judgeDataFolder, readDataFolder } from "./data_folder.ts";
import { chooseComposeFile, type GpuWish } from "./gpu_choice.ts";
import { pluginNeedsBuild, readPluginTimes } from "./plugin_build.ts";
import type { RunProgram } from "./program.ts";
import { askAsContainers } from "./reach_probe.ts";
import { type Platform, reachability } from "./reachability.ts";
import { earlierVolumes } from "./earlier_volumes.ts";
import { DATA_DIR_KEYS, planEnv } from "./stack_env.ts";
import { waitForStack } from "./stack_containers.ts";
import type { StackLayout } from "./stack_layout.ts";
import { missingParts, waitForReadiness } from "./stack_readiness.ts";
import type { StepReporter } from "./step_reporter.ts";

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
  gpu: GpuWish;
  /** How long to wait for every service, the scrape and Grafana, ms. */
  waitMs: number;
  /** The user and group ids the services that write files run as. */
  user: { uid: number; gid: number };
  runProgram: RunProgram;
}

/** How `up` ended. */
export type UpOutcome =
  | { status: "up"; grafanaUrl: string; login: string; gpu: boolean | null }
  | { status: "planned" }
  | { status: "blocked"; reason: string };

/**
 * Brings the compose stack up, first run included: breakwater's token for the stack, `.env`, the
 * data folders (yours, used by the services running as you), Alertmanager's config, the plugin
 * build, the GPU or CPU compose files, the audit of the stack as Compose resolves it, the daemon's
 * reach as the containers see it; then Docker Compose creates and starts what is missing, and `up`
 * waits until every service is healthy, Prometheus scrapes breakwater with the rules loaded, and
 * Grafana answers. Idempotent. With `dryRun`, it says what it would do and changes nothing.
 */
export async function runUp(options: UpOptions): Promise<UpOutcome> {
  const { layout, report, dryRun, config } = options;
  const shown = (path: string) => {
    const inside = relative(Deno.cwd(), path);
    return inside && !inside.startsWith("..") ? inside : path;
  };

  const token = await stackToken(options);
  if ("problem" in token) return blocked(report, "token", token.problem);
  report.step("token", token.status, token.detail);

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

  const composeEnv = composeEnvironment(options.engine.endpoint);
  const cli = await findCompose(options.runProgram, layout.composeDir, composeEnv);
  if (!cli) {
    return blocked(
      report,
      "compose",
      "Docker Compose is not installed: install the compose plugin (Docker Desktop has it; on " +
        "Debian or Ubuntu apt-get install docker-compose-plugin, or docker-compose)",
    );
  }
  report.step("compose", "ok", `${composeName(cli)} ${cli.version}`);

  const engineInfo = await options.engine.systemInfo();
  const user = `${options.user.uid}:${options.user.gid}`;
  const existingText = await Deno.readTextFile(layout.envFile).catch(() => null);
  const existing = existingText === null ? null : parseEnv(existingText);
  const gpu = chooseComposeFile(engineInfo.runtimes, existing?.COMPOSE_FILE, options.gpu);
  report.step("gpu", gpu.gpu === false ? "warn" : "ok", gpu.reason);

  const env = planEnv(existing, {
    token: token.value,
    user,
    composeFile: gpu.composeFile,
    dataRoot: resolve(options.dataDir ?? join(layout.composeDir, "data")),
  }, {
    preset: options.preset,
    grafanaPassword: options.grafanaPassword ?? randomHex(12),
    openclawToken: randomHex(24),
  });
  if (existing !== null && (options.dataDir || options.grafanaPassword)) {
    const flags = [options.dataDir && "--data", options.grafanaPassword && "--grafana-password"]
      .filter(Boolean).join(" and ");
    return blocked(
      report,
      "env",
      `${flags} apply to a new .env only: edit ${shown(layout.envFile)}`,
    );
  }
  const envText = renderEnv(existingText ?? await Deno.readTextFile(layout.envTemplate), env.set);
  if (!dryRun && env.set.size > 0) {
    await Deno.writeTextFile(layout.envFile, envText, { mode: 0o600 });
    await Deno.chmod(layout.envFile, 0o600);
  }
  if (existing === null) report.step("env", "create", shown(layout.envFile));
  else if (env.changes.length === 0) report.step("env", "keep", shown(layout.envFile));
  else for (const change of env.changes) report.step("env", "create", change);
  const values = parseEnv(envText);

  for (const key of Object.keys(DATA_DIR_KEYS)) {
    const folder = resolve(layout.composeDir, values[key]);
    const state = judgeDataFolder(await readDataFolder(folder), options.user);
    if (state.status === "unusable") {
      return blocked(report, "data", `${key}=${folder}: ${state.why}`);
    }
    if (state.status === "missing" && !dryRun) await makePrivateFolder(folder);
    report.step("data", state.status === "missing" ? "create" : "keep", `${key}=${folder}`);
  }

  // The directory's name is Compose's project name when .env names none (compose, before it did).
  const projects = [...new Set([values.COMPOSE_PROJECT_NAME, "compose"].filter(Boolean))];
  for (
    const earlier of earlierVolumes(await options.engine.volumeNames(), projects, values, user)
  ) {
    report.step(
      "data",
      "warn",
      `volume ${earlier.volume} holds what an earlier stack kept there; the stack now keeps it in ` +
        `${earlier.folder}. Carry it over with: ${earlier.command} — then remove the volume`,
    );
  }

  const plugin = await readPluginTimes(layout.pluginDir);
  if (pluginNeedsBuild(plugin)) {
    if (dryRun) report.step("plugin", "create", "plugin/dist (npm run build)");
    else if (!await buildPlugin(options, plugin.nodeModules)) {
      return blocked(report, "plugin", "the plugin build failed (its output is above)");
    }
  } else report.step("plugin", "keep", "plugin/dist is newer than its sources");

  const compose = new Compose(cli, options.runProgram, layout.composeDir, composeEnv);
  if (dryRun && existing === null) {
    report.step("config", "todo", `${composeName(cli)} config, once .env is written`);
    return { status: "planned" };
  }
  const resolved = await compose.config();
  if (!resolved.ok) {
    return blocked(
      report,
      "config",
      `${composeName(cli)} config refuses the stack: ${resolved.error}`,
    );
  }
  const model = resolved.value;

  for (const point of nestedMountPoints(model)) {
    if (await pathExists(point)) continue;
    if (!dryRun) await Deno.mkdir(point, { recursive: true });
    report.step("data", "create", `${point} (a mount point, yours rather than the engine's)`);
  }

  const findings = audit(
    await readMountDisks(subjectsFromCompose(model, layout.composeDir)),
    null,
    { ownerPatterns: config.gpu.owner, waivers: config.audit.waive },
  ).filter((finding) => !finding.waived);
  for (const finding of findings) {
    report.step(
      "audit",
      finding.severity === "error" ? "fail" : finding.severity === "warn" ? "warn" : "ok",
      `${finding.subject}: ${finding.message} (${finding.rule}; ${finding.fix})`,
    );
  }
  const errors = findings.filter((finding) => finding.severity === "error").length;
  if (errors > 0) return blocked(report, "audit", `${errors} error(s) in the stack: see above`);
  if (findings.length === 0) report.step("audit", "ok", "no findings");

  const platform = await readPlatform(engineInfo.operatingSystem);
  const gateway = platform === "linux" ? await options.engine.bridgeGateway() : null;
  const reach = reachability({
    platform,
    apiHost: config.api.host,
    apiPort: config.api.port,
    allowedHosts: config.api.allowedHosts,
    gateway,
    probe: gateway ? await askAsContainers(gateway, config.api.port, token.value) : null,
  });
  report.step(
    "daemon",
    reach.ok ? "ok" : "warn",
    reach.fix ? `${reach.detail}: ${reach.fix}` : reach.detail,
  );

  const services = defaultServices(model);
  const absent = [];
  for (const service of services) {
    if (service.image && !await options.engine.hasImage(service.image)) absent.push(service.image);
  }
  report.step(
    "images",
    absent.length > 0 ? "todo" : "ok",
    absent.length > 0
      ? `Compose pulls ${absent.join(", ")}`
      : `${services.length} services' images present`,
  );

  if (dryRun) {
    report.step("containers", "todo", `would run ${composeName(cli)} up --detach`);
    return { status: "planned" };
  }
  const started = await compose.up();
  if (!started.ok) {
    return blocked(report, "containers", `${composeName(cli)} up failed: ${started.error}`);
  }
  report.step("containers", "ok", `${composeName(cli)} up --detach`);

  const waited = await waitForStack(
    options.engine,
    layout.composeDir,
    services,
    options.waitMs,
    report,
  );
  if (!waited.ok) return blocked(report, "wait", waited.detail);
  report.step("wait", "ok", waited.detail);

  const prometheus = publishedAddress(model, "prometheus", 9090);
  const grafana = publishedAddress(model, "grafana", 3000);
  if (!prometheus || !grafana) {
    return blocked(
      report,
      "data",
      "Prometheus (9090) or Grafana (3000) is not published in the stack",
    );
  }
  const url = (address: { host: string; port: number }) =>
    `http://${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`;
  const stop = report.progress("data", "breakwater scraped, rules loaded, Grafana answering");
  const readiness = await waitForReadiness(
    { prometheus: url(prometheus), grafana: url(grafana) },
    options.waitMs,
    (missing) => report.step("data", "todo", missing),
  );
  const missing = missingParts(readiness);
  stop(!missing);
  if (missing) {
    const advice = readiness.target.ok ? "" : ` — ${reach.fix ?? "deno task doctor says more"}`;
    return blocked(report, "data", `${missing}${advice}`);
  }
  for (const part of Object.values(readiness)) report.step("data", "ok", part.detail);
  return {
    status: "up",
    grafanaUrl: url(grafana),
    login: `admin / the GF_ADMIN_PASSWORD in ${shown(layout.envFile)}`,
    gpu: gpu.gpu,
  };
}

function blocked(report: StepReporter, step: string, reason: string): UpOutcome {
  report.step(step, "fail", reason);
  return { status: "blocked", reason };
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The token the stack uses: the one breakwater answers to, found by breakwater's own rules
 * (`api.tokenFile`, `BREAKWATER_TOKEN`, or the one it generates on first start), so the two can
 * never differ; copied into `compose/secrets/breakwater-token` (yours, 0600) for Prometheus.
 */
async function stackToken(
  options: UpOptions,
): Promise<
  { value: string; status: "create" | "keep"; detail: string } | { problem: string }
> {
  const { config, layout, dryRun } = options;
  let found;
  try {
    found = await resolveToken({
      tokenFile: config.api.tokenFile,
      stateDir: config.stateDir,
      generate: !dryRun,
    });
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (!found.token) {
    return {
      value: "",
      status: "create",
      detail: `${found.path}, as deno task watch makes it, copied to ${layout.tokenFile}`,
    };
  }
  const from = found.source === "BREAKWATER_TOKEN" ? "BREAKWATER_TOKEN" : found.path;
  const current = await Deno.readTextFile(layout.tokenFile).then((text) => text.trim(), () => null);
  if (current === found.token) {
    if (!dryRun) await Deno.chmod(layout.tokenFile, 0o600);
    return { value: found.token, status: "keep", detail: `${layout.tokenFile} (${from})` };
  }
  if (!dryRun) {
    await Deno.mkdir(dirname(layout.tokenFile), { recursive: true });
    await Deno.writeTextFile(layout.tokenFile, `${found.token}\n`, { mode: 0o600 });
    await Deno.chmod(layout.tokenFile, 0o600);
  }
  return {
    value: found.token,
    status: "create",
    detail: `${layout.tokenFile}: breakwater's token, from ${from}`,
  };
}

/** A folder only its owner reads, writes or enters; its parents made as needed. */
async function makePrivateFolder(folder: string): Promise<void> {
  await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
  await Deno.chmod(folder, 0o700);
}

async function buildPlugin(options: UpOptions, nodeModules: boolean): Promise<boolean> {
  const { report, layout } = options;
  const npm = async (args: string[]) =>
    (await options.runProgram("npm", args, { cwd: layout.pluginDir, output: "show" })).code === 0;
  if (!nodeModules) {
    const stop = report.progress("plugin", "installing the plugin's npm packages (npm ci)");
    const ok = await npm(["ci", "--no-audit", "--no-fund"]);
    stop(ok);
    if (!ok) return false;
  }
  const stop = report.progress("plugin", "building the Grafana plugin (npm run build)");
  const ok = await npm(["run", "build"]);
  stop(ok);
  return ok;
}

async function readPlatform(operatingSystem: string): Promise<Platform> {
  if (!/docker desktop/i.test(operatingSystem)) return "linux";
  const wsl = await readWslFacts();
  if (!isWslFromFacts(wsl)) return "docker-desktop";
  const mirrored = wsl.wslConfigs.some((file) => file.networkingMode === "mirrored");
  return mirrored ? "wsl2-mirrored" : "wsl2-nat";
}
