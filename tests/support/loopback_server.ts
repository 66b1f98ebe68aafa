import { waitFor } from "./wait.ts";

/** A free TCP port on loopback. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A program serving HTTP on loopback, started by a test. */
export interface LoopbackServer {
  /** `127.0.0.1:<port>`. */
  address: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `command` with the arguments `args` makes for a free loopback address, and waits until
 * `readyPath` answers 2xx.
 */
export async function startLoopbackServer(
  command: string,
  args: (address: string) => string[],
  readyPath: string,
): Promise<LoopbackServer> {
  const address = `127.0.0.1:${freePort()}`;
  const child = new Deno.Command(command, { args: args(address), stdout: "null", stderr: "null" })
    .spawn();
  const url = `http://${address}`;
  await waitFor(
    `${command} ready`,
    async () => (await fetch(`${url}${readyPath}`).catch(() => null))?.ok,
  );
  return {
    address,
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
