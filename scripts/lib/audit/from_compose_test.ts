import assert from "node:assert/strict";
import { parse } from "yaml";
import { audit } from "./audit_rules.ts";
import { byteSize, subjectsFromCompose } from "./from_compose.ts";

const compose = (text: string) => subjectsFromCompose(parse(text), "/srv/stack");
const findings = (text: string) =>
  audit(compose(text), null, { ownerPatterns: [], waivers: [] })
    .map((finding) => `${finding.rule}:${finding.subject}`);
const GOOD = `
    cpus: 1
    mem_limit: 512m
    memswap_limit: 512m
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "true"]`;

Deno.test("compose sizes: bytes and suffixed forms", () => {
  assert.equal(byteSize("512m"), 512 * 1024 ** 2);
  assert.equal(byteSize("1g"), 1024 ** 3);
  assert.equal(byteSize("1.5GB"), 1.5 * 1024 ** 3);
  assert.equal(byteSize("256MiB"), 256 * 1024 ** 2);
  assert.equal(byteSize(1048576), 1048576);
  assert.equal(byteSize("-1"), -1);
  assert.equal(byteSize("lots"), null);
});

Deno.test("a service following every rule yields nothing; deploy.resources forms count", () => {
  assert.deepEqual(findings(`services:\n  api:\n    image: x${GOOD}\n`), []);
  assert.deepEqual(
    findings(`services:
  api:
    image: x
    deploy:
      resources:
        limits: { cpus: "0.5", memory: 256M }
      restart_policy: { condition: on-failure }
    memswap_limit: 256M
    healthcheck: { test: ["CMD", "true"] }
`),
    [],
  );
});

Deno.test("each rule on a Compose service", () => {
  assert.deepEqual(findings("services:\n  bare:\n    image: x\n"), [
    "limits.cpu:bare",
    "limits.memory:bare",
    "health.missing:bare",
    "restart.missing:bare",
  ]);
  assert.deepEqual(
    findings(
      `services:\n  s:\n    image: x${GOOD.replace("memswap_limit: 512m", "memswap_limit: -1")}\n`,
    ),
    [
      "limits.swap:s",
    ],
  );
  assert.deepEqual(
    findings(`services:\n  s:\n    image: x${GOOD.replace("memswap_limit: 512m", "")}\n`),
    ["limits.swap:s"],
  );
  assert.deepEqual(
    findings(
      `services:\n  s:\n    image: x${GOOD.replace(`test: ["CMD", "true"]`, "disable: true")}\n`,
    ),
    ["health.missing:s"],
  );
});

Deno.test("GPU access in each Compose form; one owner labelled passes", () => {
  const gpuServices = `services:
  ollama:
    image: ollama/ollama
    labels: { breakwater.gpu-owner: "true" }
    deploy:
      resources:
        reservations:
          devices: [{ driver: nvidia, count: all, capabilities: [gpu] }]${GOOD}
`;
  assert.deepEqual(findings(gpuServices), []);
  const more = gpuServices + `  comfy:
    image: comfy
    runtime: nvidia${GOOD}
  whisper:
    image: whisper
    environment: [NVIDIA_VISIBLE_DEVICES=all]${GOOD}
  cpu-only:
    image: x
    environment: { NVIDIA_VISIBLE_DEVICES: void }${GOOD}
`;
  assert.deepEqual(findings(more), [
    "gpu.multiple-owners:ollama",
    "gpu.multiple-owners:comfy",
    "gpu.multiple-owners:whisper",
    "gpu.not-owner:comfy",
    "gpu.not-owner:whisper",
  ]);
  const subjects = compose(more);
  assert.deepEqual(subjects.map((subject) => subject.gpuAccess), [
    "deploy.resources.reservations.devices",
    "runtime: nvidia",
    "NVIDIA_VISIBLE_DEVICES=all",
    null,
  ]);
});

Deno.test("mounts: binds resolve against the Compose folder, volumes by driver_opts.device", () => {
  const [service] = compose(`services:
  db:
    image: x
    volumes:
      - ./data:/data
      - ./config.yml:/etc/app.yml:ro
      - models:/models
      - cache:/cache
      - type: bind
        source: /mnt/d/backups
        target: /backups
      - /anonymous
volumes:
  models:
    driver_opts: { type: none, o: bind, device: /mnt/d/models }
  cache: {}
`);
  assert.deepEqual(service.mounts.map((mount) => [mount.type, mount.source, mount.hostPath]), [
    ["bind", "./data", "/srv/stack/data"],
    ["bind", "./config.yml", "/srv/stack/config.yml"],
    ["volume", "models", "/mnt/d/models"],
    ["volume", "cache", null],
    ["bind", "/mnt/d/backups", "/mnt/d/backups"],
  ]);
});

Deno.test("read-only mounts are marked, from the short and the long syntax", () => {
  const [service] = compose(
    "services:\n  s:\n    image: x\n    volumes:\n      - ./a:/a:ro\n      - ./b:/b:rw\n      - { type: bind, source: ./c, target: /c, read_only: true }\n",
  );
  assert.deepEqual(service.mounts.map((mount) => mount.readOnly), [true, false, true]);
});

Deno.test("a file without services is refused", () => {
  assert.throws(() => compose("version: '3'\n"), /the Compose file has no services/);
});
