/** A route in the Grafana app's plugin.json: Grafana's plugin proxy forwards it to the API. */
export interface PluginRoute {
  path: string;
  method: "GET" | "POST";
  reqRole: "Viewer" | "Editor";
  url: string;
  headers: { name: string; content: string }[];
}

/**
 * The control API's routes that the Grafana app reaches through Grafana's plugin proxy, with the
 * role Grafana requires: Viewers read, Editors act. `*` stands for the rest of the path, which
 * Grafana appends to `target` (the container's name and the action).
 */
export const PROXIED_ROUTES = [
  { path: "status", method: "GET", reqRole: "Viewer", target: "/api/v1/status" },
  { path: "journal", method: "GET", reqRole: "Viewer", target: "/api/v1/journal" },
  { path: "healthz", method: "GET", reqRole: "Viewer", target: "/healthz" },
  { path: "containers/*", method: "POST", reqRole: "Editor", target: "/api/v1/containers" },
  { path: "watchdog/*", method: "POST", reqRole: "Editor", target: "/api/v1/watchdog" },
] as const;

/** Daemons on other machines the app can hold besides its own (slots 1–8). */
export const HOST_SLOTS = 8;

/**
 * plugin.json's `routes`: {@linkcode PROXIED_ROUTES} for the app's own daemon (`apiUrl`, `token`),
 * then under `hosts/<slot>/` for each other slot (`host<slot>Url`, `host<slot>Token`).
 */
export function pluginProxyRoutes(): PluginRoute[] {
  const slots = Array.from({ length: HOST_SLOTS + 1 }, (_, slot) => slot);
  return slots.flatMap((slot) => {
    const [prefix, url, token] = slot === 0
      ? ["", "apiUrl", "token"]
      : [`hosts/${slot}/`, `host${slot}Url`, `host${slot}Token`];
    return PROXIED_ROUTES.map((route) => ({
      path: `${prefix}${route.path}`,
      method: route.method,
      reqRole: route.reqRole,
      url: `{{ .JsonData.${url} }}${route.target}`,
      headers: [{ name: "Authorization", content: `Bearer {{ .SecureJsonData.${token} }}` }],
    }));
  });
}
