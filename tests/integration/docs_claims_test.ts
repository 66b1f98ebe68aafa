import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { Metrics } from "../../scripts/lib/metrics/metrics.ts";
import { pathExistsSync } from "../../scripts/lib/path_exists.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DOCS = [
  "README.md",
  "plugin/README.md",
  ...[...Deno.readDirSync(join(ROOT, "docs"))].map((entry) => `docs/${entry.name}`),
].filter((path) => path.endsWith(".md"));
const text = (path: string) => Deno.readTextFileSync(join(ROOT, path));
const tasks = JSON.parse(text("deno.json")).tasks as Record<string, string | { command: string }>;

/** Each `deno task NAME …` the docs show, with the flags written after it on the same line. */
function taskMentions(): { doc: string; task: string; flags: string[] }[] {
  return DOCS.flatMap((doc) =>
    [...text(doc).matchAll(/deno task ([a-z][a-z:-]*)([^`\n|]*)/g)].map((match) => ({
      doc,
      task: match[1],
      flags: [...match[2].matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((flag) => flag[1]),
    }))
  );
}

/** What `--help` prints for a task that runs one of the entry scripts. */
async function helpOf(task: string): Promise<string | null> {
  const entry = tasks[task];
  const command = typeof entry === "string" ? entry : entry.command;
  const script = /scripts\/[a-z_]+\.ts/.exec(command)?.[0];
  if (!script) return null;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(ROOT, script), "--help"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(output.stdout);
}

Deno.test("docs: every deno task they name exists, with every flag they give it", async () => {
  const mentions = taskMentions();
  assert.ok(mentions.length > 20, `${mentions.length} mentions`);
  const helps = new Map<string, string | null>();
  for (const { doc, task, flags } of mentions) {
    assert.ok(task in tasks, `${doc}: deno task ${task} does not exist`);
    if (!helps.has(task)) helps.set(task, await helpOf(task));
    const help = helps.get(task);
    for (const flag of flags) {
      if (help === null || help === undefined) continue;
      assert.match(help, new RegExp(`${flag}\\b`), `${doc}: deno task ${task} takes no ${flag}`);
    }
  }
});

Deno.test("docs: every metric and alert they name exists", async () => {
  const exported = await new Metrics().text();
  const metrics = new Set([...exported.matchAll(/^# HELP (\S+)/gm)].map((match) => match[1]));
  const rules = parse(text("compose/alerts/breakwater.rules.yml")) as {
    groups: { rules: { alert?: string; record?: string }[] }[];
  };
  const alerts = new Set(rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert)));
  const records = new Set(rules.groups.flatMap((group) => group.rules.map((rule) => rule.record)));
  for (const doc of DOCS) {
    const body = text(doc);
    for (const [name] of body.matchAll(/\bbreakwater_[a-z_]+[a-z]\b/g)) {
      const base = name.replace(/_(bucket|sum|count)$/, "");
      assert.ok(metrics.has(name) || metrics.has(base), `${doc}: no metric ${name}`);
    }
    for (const [name] of body.matchAll(/\bbreakwater:[a-z_:0-9]+[a-z0-9]\b/g)) {
      assert.ok(records.has(name), `${doc}: no recording rule ${name}`);
    }
    for (const [name] of body.matchAll(/\bBreakwater[A-Z][A-Za-z]+\b/g)) {
      assert.ok(alerts.has(name), `${doc}: no alert ${name}`);
    }
  }
});

Deno.test("docs: every relative link resolves to a file", () => {
  const broken = DOCS.flatMap((doc) =>
    [...text(doc).matchAll(/\]\(([^)\s]+)\)/g)]
      .map(([, target]) => target)
      .filter((target) => !/^(https?:|mailto:|#)/.test(target))
      .filter((target) =>
        !pathExistsSync(join(ROOT, dirname(doc), decodeURIComponent(target.split("#")[0])))
      )
      .map((target) => `${doc}: ${target}`)
  );
  assert.deepEqual(broken, [], "links that lead nowhere");
});

Deno.test("docs: the metrics table names every metric the daemon exports", async () => {
  const exported = await new Metrics().text();
  const table = text("docs/metrics-and-dashboards.md");
  const missing = [...exported.matchAll(/^# HELP (\S+)/gm)].map((match) => match[1]).filter(
    // A row may shorten a family's later names to their suffix: `_memory_total_bytes`.
    (name) =>
      !table.includes(`\`${name}\``) &&
      !table.includes(`\`_${name.replace(/^breakwater_[a-z]+_/, "")}\``),
  );
  assert.deepEqual(missing, []);
});
