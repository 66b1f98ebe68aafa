import assert from "node:assert/strict";
import { defaultServices, describeServices, isUp } from "./compose_services.ts";
import { renderEnv } from "./env_template.ts";
import { pluginNeedsBuild } from "./plugin_build.ts";

Deno.test(".env written from a template: given keys replaced, every other line kept, new keys appended", () => {
  const rendered = renderEnv("# keep me\nA=old\nB=kept\n", new Map([["A", "new"], ["Z", "z"]]));
  assert.equal(rendered, "# keep me\nA=new\nB=kept\nZ=z\n");
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
