import http from "node:http";
import type { ProbeAnswer } from "./reachability.ts";

/**
 * Asks the daemon as the stack's containers do: `GET /api/v1/status` to `host.docker.internal`'s
 * address, with `Host: host.docker.internal:<port>` and the stack's token. node:http, since
 * `fetch` does not send a `Host` of the caller's choosing.
 */
export function askAsContainers(
  address: string,
  port: number,
  token: string,
  timeoutMs = 5_000,
): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    const request = http.request({
      host: address,
      port,
      path: "/api/v1/status",
      headers: { host: `host.docker.internal:${port}`, authorization: `Bearer ${token}` },
      timeout: timeoutMs,
    }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on("timeout", () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    request.on("error", (error) => resolve({ error: error.message }));
    request.end();
  });
}
