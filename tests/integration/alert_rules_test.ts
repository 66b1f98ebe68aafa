import assert from "node:assert/strict";
import { parse } from "yaml";
import { NOTIFY_KINDS } from "../../scripts/lib/config/schema.ts";

const ROOT = new URL("../../", import.meta.url);
const ALERTS_DIR = new URL("compose/alerts/", ROOT).pathname;
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const groups: { name: string; rules: Rule[] }[] =
  parse(read("compose/alerts/breakwater.rules.yml")).groups;
const alerts = groups.flatMap((group) => group.rules).filter((rule) => rule.alert);

async function run(command: string, args: string[], cwd: string) {
  const output = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  return { code: output.code, text };
}

Deno.test("alert rules: promtool checks them and runs their unit tests", async () => {
  const check = await run("promtool", ["check", "rules", "breakwater.rules.yml"], ALERTS_DIR);
  assert.equal(check.code, 0, check.text);
  assert.match(check.text, /SUCCESS: \d+ rules found/);
  const test = await run("promtool", ["test", "rules", "breakwater.rules.test.yml"], ALERTS_DIR);
  assert.equal(test.code, 0, test.text);
  assert.match(test.text, /SUCCESS/);
});

Deno.test("alert rules: each alert is unit-tested firing and not firing, labelled and described", () => {
  const tests = parse(read("compose/alerts/breakwater.rules.test.yml")).tests as {
    alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
  }[];
  const cases = tests.flatMap((test) => test.alert_rule_test ?? []);
  const kpi = JSON.parse(read("dashboards/breakwater-kpi.json"));
  assert.ok(alerts.length >= 16, `${alerts.length} alerts`);
  for (const alert of alerts) {
    const name = alert.alert!;
    const mine = cases.filter((test) => test.alertname === name);
    assert.ok(mine.some((test) => test.exp_alerts.length > 0), `${name}: no case where it fires`);
    assert.ok(
      mine.some((test) => test.exp_alerts.length === 0),
      `${name}: no case where it is quiet`,
    );
    assert.match(alert.labels?.severity ?? "", /^(warning|critical)$/, `${name}: severity`);
    assert.ok(alert.labels?.notified_by, `${name}: notified_by`);
    assert.ok(alert.annotations?.summary, `${name}: summary`);
    assert.match(alert.annotations?.description ?? "", /\{\{ \$value/, `${name}: value`);
    assert.equal(
      alert.annotations?.dashboard,
      `http://localhost:3000/d/${kpi.uid}/${kpi.uid}`,
      `${name}: dashboard link`,
    );
    if (/container/.test(alert.expr)) {
      assert.match(alert.annotations!.description, /\$labels\.container/, `${name}: container`);
    }
  }
});

Deno.test("alert rules: what breakwater notifies itself is marked so Alertmanager does not send it too", () => {
  // The journal action behind each alert breakwater's own notifications already send.
  const byBreakwater: Record<string, string> = {
    BreakwaterProbeDown: "probe-down",
    BreakwaterGaveUp: "give-up",
    BreakwaterGpuPressureTripped: "gpu-trip",
  };
  for (const alert of alerts) {
    const kind = byBreakwater[alert.alert!];
    const label = alert.labels!.notified_by;
    if (kind) {
      assert.equal(label, "breakwater", alert.alert);
      assert.ok((NOTIFY_KINDS as readonly string[]).includes(kind), kind);
    } else if (/restarts/.test(alert.expr)) {
      assert.match(label, /eq \$labels\.by "breakwater"/, `${alert.alert}: by breakwater or not`);
    } else {
      assert.equal(label, "alertmanager", alert.alert);
    }
  }
  const example = parse(read("compose/alertmanager/alertmanager.example.yml"));
  const shownOnly = example.route.routes.find((route: { matchers: string[] }) =>
    route.matchers.includes('notified_by="breakwater"')
  );
  assert.equal(shownOnly.receiver, "shown-only");
  const receiver = example.receivers.find((r: { name: string }) => r.name === "shown-only");
  assert.deepEqual(Object.keys(receiver), ["name"], "shown-only sends nothing");
});

Deno.test("alert rules: the stack loads them and docs/alerts.md lists every alert", () => {
  const prometheus = parse(read("compose/prometheus.yml"));
  assert.deepEqual(prometheus.rule_files, ["alerts/*.rules.yml"]);
  // What Prometheus's glob `alerts/*.rules.yml` matches in the folder.
  const ruleFiles = [...Deno.readDirSync(ALERTS_DIR)].map((entry) => entry.name).filter((name) =>
    name.endsWith(".rules.yml")
  );
  assert.deepEqual(ruleFiles, ["breakwater.rules.yml"], "the unit tests are not loaded as rules");
  const compose = parse(read("compose/compose.yaml"));
  assert.ok(compose.services.prometheus.volumes.includes("./alerts:/etc/prometheus/alerts:ro"));
  assert.deepEqual(prometheus.alerting.alertmanagers[0].static_configs[0].targets, [
    "alertmanager:9093",
  ]);
  assert.ok(compose.services.alertmanager, "Alertmanager runs in the stack");
  const docs = read("docs/alerts.md");
  for (const alert of alerts) {
    assert.match(
      docs,
      new RegExp(`\\| \`${alert.alert}\` +\\|`),
      `${alert.alert} in docs/alerts.md`,
    );
  }
});

Deno.test("alertmanager.example.yml: amtool accepts it", async () => {
  const check = await run(
    "amtool",
    ["check-config", "alertmanager.example.yml"],
    new URL("compose/alertmanager/", ROOT).pathname,
  );
  assert.equal(check.code, 0, check.text);
  assert.match(check.text, /SUCCESS/);
});
