import assert from "node:assert/strict";
import { parse } from "yaml";
import { Prometheus } from "../support/prometheus.ts";
import { waitFor } from "../support/wait.ts";

const shipped = () =>
  parse(Deno.readTextFileSync(new URL("../../compose/prometheus.yml", import.meta.url))) as {
    scrape_configs: { job_name: string; dns_sd_configs?: { names: string[] }[] }[];
  };
const OPTIONAL_JOBS = ["cadvisor", "dcgm-exporter"];
const ALERTS = { alerts: new URL("../../compose/alerts/", import.meta.url) };

Deno.test({
  name:
    "prometheus.yml: loads breakwater's rules as mounted; the profile-only exporters are no target at all while their profile is off",
  async fn() {
    const prometheus = await Prometheus.start(shipped(), ALERTS);
    try {
      const rules = parse(
        Deno.readTextFileSync(new URL("breakwater.rules.yml", ALERTS.alerts)),
      ) as { groups: { name: string; rules: { alert?: string; record?: string }[] }[] };
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      assert.deepEqual(
        (await prometheus.ruleGroups()).sort(byName),
        rules.groups.map((group) => ({
          name: group.name,
          rules: group.rules.map((rule) => rule.alert ?? rule.record!),
        })).sort(byName),
      );
      await waitFor(
        "the always-on jobs discovered",
        async () => (await prometheus.targets()).some((target) => target.job === "node-exporter"),
      );
      // One DNS refresh is 30 s; the first lookup happens at start, so by now it has answered.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const jobs = (await prometheus.targets()).map((target) => target.job);
      for (const job of OPTIONAL_JOBS) assert.ok(!jobs.includes(job), `${job}: ${jobs}`);
    } finally {
      await prometheus.stop();
    }
  },
});

Deno.test("prometheus.yml: promtool accepts it; each optional job looks up its compose service by name", async () => {
  const check = await new Deno.Command("promtool", {
    args: ["check", "config", "--syntax-only", "compose/prometheus.yml"],
    cwd: new URL("../../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
  const compose = parse(
    Deno.readTextFileSync(new URL("../../compose/compose.yaml", import.meta.url)),
  ) as { services: Record<string, { profiles?: string[] }> };
  for (const name of OPTIONAL_JOBS) {
    const job = shipped().scrape_configs.find((each) => each.job_name === name);
    assert.deepEqual(job?.dns_sd_configs?.[0].names, [name]);
    assert.ok(compose.services[name]?.profiles?.length, `${name} is a profile-only service`);
  }
});
