import assert from "node:assert/strict";
import { HOST_SLOTS, pluginProxyRoutes, PROXIED_ROUTES } from "./proxy_routes.ts";

Deno.test("plugin.json's routes are the generated ones (deno task openapi rewrites them)", async () => {
  const plugin = JSON.parse(
    await Deno.readTextFile(new URL("../../../plugin/src/plugin.json", import.meta.url)),
  );
  assert.deepEqual(plugin.routes, pluginProxyRoutes());
});

Deno.test("proxy routes: every API route for every slot, each slot's own URL and token", () => {
  const routes = pluginProxyRoutes();
  assert.equal(routes.length, PROXIED_ROUTES.length * (HOST_SLOTS + 1));
  assert.deepEqual(routes.find((route) => route.path === "hosts/3/containers/*"), {
    path: "hosts/3/containers/*",
    method: "POST",
    reqRole: "Editor",
    url: "{{ .JsonData.host3Url }}/api/v1/containers",
    headers: [{ name: "Authorization", content: "Bearer {{ .SecureJsonData.host3Token }}" }],
  });
  assert.equal(new Set(routes.map((route) => route.path)).size, routes.length, "paths are unique");
});
