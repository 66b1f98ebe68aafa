import assert from "node:assert/strict";
import { join } from "node:path";
import { Engine } from "../../scripts/lib/engine/engine.ts";
import { resolveEndpoint } from "../../scripts/lib/engine/endpoint.ts";
import { EngineUnreachableError } from "../../scripts/lib/engine/errors.ts";
import { SocketProxy } from "../support/socket_proxy.ts";

Deno.test({
  name: "engine: a request to an engine that hangs is given up after its timeout, as unreachable",
  async fn() {
    const dir = await Deno.makeTempDir();
    const proxy = new SocketProxy(join(dir, "docker.sock"));
    proxy.start();
    try {
      const endpoint = resolveEndpoint({
        env: (name) => name === "DOCKER_HOST" ? `unix://${proxy.path}` : undefined,
      });
      const engine = new Engine(endpoint, { callTimeoutMs: 1_000 });
      assert.ok((await engine.list()).length >= 0, "answers while the engine does");
      proxy.stall();
      for (const call of [() => engine.list(), () => engine.info(), () => engine.inspect("x")]) {
        const error = await call().then(() => null, (e) => e);
        assert.ok(error instanceof EngineUnreachableError, String(error));
        assert.match(error.message, /no answer within 1 s/);
      }
    } finally {
      proxy.stalled = false;
      await proxy.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
