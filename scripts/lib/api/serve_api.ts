/** A running control API server. */
export interface ApiServer {
  /** The address it listens on, such as `http://127.0.0.1:8787`. */
  url: string;
  shutdown(): Promise<void>;
}

/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

/** Serves the handler on host:port (port 0 picks a free one). */
export function serveApi(
  host: string,
  port: number,
  handler: (request: Request) => Promise<Response>,
): ApiServer {
  const server = Deno.serve({
    hostname: host,
    port,
    onListen() {},
    onError: (error) =>
      new Response(JSON.stringify({ error: "internal", message: String(error) }), {
        status: 500,
        headers: { "content-type": "application/json" },
      }),
  }, handler);
  const address = server.addr;
  const shown = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  return { url: `http://${shown}:${address.port}`, shutdown: () => server.shutdown() };
}
