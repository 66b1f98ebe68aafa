import assert from "node:assert/strict";
import { resolveEndpoint } from "./endpoint.ts";
import { UsageError } from "../usage_error.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("default address: the unix socket on Linux, the named pipe on Windows", () => {
  const linux = resolveEndpoint({ env: env({}), os: "linux" });
  assert.equal(linux.address, "unix:///var/run/docker.sock");
  assert.equal(linux.source, "default");
  assert.deepEqual(linux.options, { socketPath: "/var/run/docker.sock" });
  const windows = resolveEndpoint({ env: env({}), os: "windows" });
  assert.equal(windows.address, "npipe:////./pipe/docker_engine");
  assert.deepEqual(windows.options, { socketPath: "\\\\.\\pipe\\docker_engine" });
});

Deno.test("DOCKER_HOST wins over the config, which wins over the default", () => {
  const fromEnv = resolveEndpoint({
    env: env({ DOCKER_HOST: "unix:///run/a.sock" }),
    configHost: "unix:///b",
  });
  assert.equal(fromEnv.source, "DOCKER_HOST");
  assert.deepEqual(fromEnv.options, { socketPath: "/run/a.sock" });
  const fromConfig = resolveEndpoint({ env: env({}), configHost: "tcp://10.0.0.2:2375" });
  assert.equal(fromConfig.source, "config");
  assert.deepEqual(fromConfig.options, { protocol: "http", host: "10.0.0.2", port: 2375 });
});

Deno.test("tcp:// with DOCKER_TLS_VERIFY reads the certificates from DOCKER_CERT_PATH", () => {
  const read: string[] = [];
  const endpoint = resolveEndpoint({
    env: env({
      DOCKER_HOST: "tcp://docker.local",
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: "/certs",
    }),
    readFile: (path) => {
      read.push(path);
      return `pem:${path}`;
    },
  });
  assert.equal(endpoint.options.protocol, "https");
  assert.equal(endpoint.options.port, 2376);
  assert.equal(endpoint.options.ca, "pem:/certs/ca.pem");
  assert.deepEqual(read, ["/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem"]);
});

Deno.test("an address with an unknown scheme is refused with the forms that work", () => {
  assert.throws(
    () => resolveEndpoint({ env: env({ DOCKER_HOST: "ssh://me@host" }) }),
    /cannot use Docker engine address "ssh:\/\/me@host": use unix:\/\/\/path/,
  );
});

Deno.test("a malformed tcp address says where it came from, without a stack", () => {
  for (
    const [options, where] of [
      [
        { env: env({ DOCKER_HOST: "tcp://[::1" }) },
        /^DOCKER_HOST: "tcp:\/\/\[::1" is not a valid address/,
      ],
      [{ env: env({}), configHost: "tcp://[bad" }, /^docker.host in the config: /],
    ] as const
  ) {
    assert.throws(
      () => resolveEndpoint(options),
      (error: unknown) => error instanceof UsageError && where.test(error.message),
    );
  }
});
