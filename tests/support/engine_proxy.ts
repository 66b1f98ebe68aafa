import { freePort } from "./loopback_server.ts";
import { waitFor } from "./wait.ts";

const CONFIG = new URL("../../compose/engine-proxy/haproxy.cfg", import.meta.url).pathname;

/** Debian's haproxy running the shipped engine proxy config, on a free loopback port. */
export interface EngineProxy {
  port: number;
  stop(): Promise<void>;
}

/** Starts haproxy with compose/engine-proxy/haproxy.cfg in front of the engine's socket. */
export async function startEngineProxy(): Promise<EngineProxy> {
  const port = freePort();
  const child = new Deno.Command("haproxy", {
    args: ["-db", "-f", CONFIG],
    env: { ENGINE_PROXY_BIND: `127.0.0.1:${port}`, ENGINE_SOCKET: "/var/run/docker.sock" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(
    "haproxy listening",
    async () => (await fetch(`http://127.0.0.1:${port}/_ping`).catch(() => null))?.ok,
  );
  return {
    port,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
