import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Loads the daemon's modules in a fresh process, as `deno task watch` does, and lists the modules
 * really loaded (those left out stand in the module cache as a function that throws).
 */
const PROBE = `
import { createRequire } from "node:module";
await import("${ROOT}scripts/lib/cli/run_daemon.ts");
const isLeftOut = (exports) => {
  try {
    exports();
  } catch (error) {
    return /left out of breakwater/.test(error.message);
  }
  return false;
};
const loaded = Object.entries(createRequire(import.meta.url).cache)
  .filter(([, module]) => !(typeof module.exports === "function" && isLeftOut(module.exports)))
  .map(([path]) => path);
const { default: Docker } = await import("dockerode");
const ssh = await new Docker({ protocol: "ssh", host: "engine.invalid" }).ping().then(
  () => "answered",
  (error) => error.message,
);
console.log(JSON.stringify({ loaded, ssh }));
`;

Deno.test("the daemon loads none of the dependency parts it never uses", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", PROBE],
    cwd: ROOT,
    stderr: "inherit",
  }).output();
  assert.equal(output.code, 0);
  const { loaded, ssh } = JSON.parse(new TextDecoder().decode(output.stdout));
  const packages = (loaded as string[]).map((path) =>
    path.match(/node_modules\/\.deno\/([^/]+)\//)?.[1] ?? path
  );
  assert.ok(packages.some((name) => name.startsWith("dockerode@")), "dockerode itself is loaded");
  assert.ok(packages.some((name) => name.startsWith("prom-client@")));
  for (
    const unused of ["ssh2@", "@grpc+grpc-js@", "protobufjs@", "tar-fs@", "@opentelemetry+api@"]
  ) {
    assert.deepEqual(packages.filter((name) => name.startsWith(unused)), [], `${unused} loaded`);
  }
  assert.match(ssh, /\.\/ssh\.js \(ssh:\/\/ engines\) is left out of breakwater/);
});
