import assert from "node:assert/strict";
import { defaultServices, describeServices, isUp } from "./compose_services.ts";
import { parseEnv, renderEnv } from "./env_file.ts";
import { interpolate, interpolateDocument, InterpolationError } from "./interpolate.ts";
import { pluginNeedsBuild } from "./plugin_build.ts";
import { envProblems } from "./run_up.ts";
import { type Platform, reachability } from "./reachability.ts";

Deno.test(".env: values, quotes and comments as Compose reads them; rendered from the example", () => {
  const values = parseEnv(
    "# comment\nA=1\nB = two # inline\nC='lit # not a comment'\nD=\"x\"\n\nexport E=5\nbad line\n",
  );
  assert.deepEqual([...values], [["A", "1"], ["B", "two"], ["C", "lit # not a comment"], [
    "D",
    "x",
  ], ["E", "5"]]);
  const rendered = renderEnv("# keep me\nA=old\nB=kept\n", new Map([["A", "new"], ["Z", "z"]]));
  assert.equal(rendered, "# keep me\nA=new\nB=kept\nZ=z\n");
});

Deno.test("interpolation follows Compose: defaults, required, alternatives, $$ and errors", () => {
  const env: Record<string, string> = { SET: "v", EMPTY: "" };
  const lookup = (name: string) => env[name];
  const cases: [string, string][] = [
    ["$SET ${SET}", "v v"],
    ["${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", "d d  d"],
    ["${SET:+alt} ${EMPTY:+alt}|${EMPTY+alt}", "alt |alt"],
    ["$$SET costs $$5", "$SET costs $5"],
    ["${UNSET:-${SET}}", "v"],
    ["$UNSET.", "."],
  ];
  for (const [text, expected] of cases) assert.equal(interpolate(text, lookup), expected, text);
  assert.throws(
    () => interpolate("${TOKEN:?set TOKEN in compose/.env}", lookup),
    new InterpolationError("TOKEN: set TOKEN in compose/.env"),
  );
  assert.throws(() => interpolate("${EMPTY:?}", lookup), InterpolationError);
  assert.equal(interpolate("${EMPTY?}", lookup), "");
  assert.throws(() => interpolate("${1BAD}", lookup), /invalid interpolation/);
  assert.throws(() => interpolate("a ${OPEN", lookup), /unclosed/);
  assert.deepEqual(
    interpolateDocument({ a: ["${SET}", 1, true], b: { c: "$SET" } }, lookup),
    { a: ["v", 1, true], b: { c: "v" } },
  );
});

Deno.test("the services up runs: those without a profile; up means healthy, or running without a check", () => {
  const services = defaultServices({
    services: {
      ollama: { image: "ollama/ollama:1", healthcheck: { test: ["CMD", "true"] } },
      exporter: { image: "e:1" },
      cadvisor: { image: "c:1", profiles: ["cadvisor"] },
      built: { build: { context: "." }, healthcheck: { disable: true } },
    },
  });
  assert.deepEqual(services, [
    { name: "ollama", image: "ollama/ollama:1", healthcheck: true },
    { name: "exporter", image: "e:1", healthcheck: false },
    { name: "built", image: null, healthcheck: false },
  ]);
  const containers = [
    { service: "ollama", id: "1", state: "running", health: "starting", labels: {} },
    { service: "exporter", id: "2", state: "running", health: "none", labels: {} },
  ];
  assert.deepEqual(containers.map(isUp), [false, true]);
  assert.equal(
    describeServices(services, containers),
    "ollama: starting, exporter: up, built: no container",
  );
});

Deno.test("the plugin is built when dist is missing or older than a source", () => {
  assert.equal(pluginNeedsBuild({ builtAt: null, sourcesChangedAt: 1, nodeModules: true }), true);
  assert.equal(pluginNeedsBuild({ builtAt: 5, sourcesChangedAt: 9, nodeModules: true }), true);
  assert.equal(pluginNeedsBuild({ builtAt: 9, sourcesChangedAt: 5, nodeModules: false }), false);
});

Deno.test("reaching the daemon from the containers: a loopback bind is told what to change, per platform", () => {
  const base = {
    apiHost: "127.0.0.1",
    apiPort: 8787,
    allowedHosts: ["host.docker.internal"],
    listening: true,
  };
  const platforms: Platform[] = ["linux", "wsl2-nat", "wsl2-mirrored", "docker-desktop"];
  const fixes = platforms.map((platform) => reachability({ ...base, platform }));
  assert.ok(fixes.every((answer) => !answer.ok && /api\.host: .*0\.0\.0\.0/.test(answer.fix!)));
  assert.match(fixes[0].fix!, /172\.17\.0\.1 \(the docker0 bridge/);
  assert.match(fixes[1].fix!, /localhost forwarding/);
  assert.match(fixes[2].fix!, /mirrored/);
  assert.deepEqual(
    reachability({ ...base, apiHost: "0.0.0.0", platform: "linux" }),
    { ok: true, detail: "breakwater answers on 0.0.0.0:8787", fix: null },
  );
  assert.match(
    reachability({ ...base, apiHost: "0.0.0.0", listening: false, platform: "linux" }).fix!,
    /start breakwater: deno task watch/,
  );
  assert.match(
    reachability({ ...base, apiHost: "0.0.0.0", allowedHosts: ["x"], platform: "linux" }).fix!,
    /add host\.docker\.internal to api\.allowedHosts/,
  );
});

Deno.test("an existing .env: another token, relative data folders and new-only flags are problems", () => {
  const good = new Map([
    ["BREAKWATER_TOKEN", "t"],
    ["MODELS_DIR", "/d/ollama"],
    ["PROMETHEUS_DIR", "/d/prometheus"],
    ["GRAFANA_DIR", "/d/grafana"],
  ]);
  const expected = { token: "t", tokenFile: "secrets/breakwater-token", newOnlyFlags: [] };
  assert.deepEqual(envProblems(good, expected), []);
  const bad = new Map([...good, ["BREAKWATER_TOKEN", "other"], ["MODELS_DIR", "./data/ollama"]]);
  assert.deepEqual(envProblems(bad, { ...expected, newOnlyFlags: ["--data"] }), [
    "its BREAKWATER_TOKEN differs from secrets/breakwater-token: make them the same (or remove .env to have it written again)",
    "MODELS_DIR=./data/ollama must be an absolute folder (Docker binds a volume's device only by absolute path)",
    "--data apply to a new .env only: edit it, or remove it",
  ]);
});
