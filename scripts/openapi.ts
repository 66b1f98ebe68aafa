/**
 * `deno task openapi`: writes what the Grafana plugin takes from the control API: its OpenAPI
 * document (plugin/src/api/openapi.json) and the proxy routes in plugin/src/plugin.json. Tests fail
 * while either differs.
 * @module
 */
import { openApiDocument } from "./lib/api/openapi.ts";
import { pluginProxyRoutes } from "./lib/api/proxy_routes.ts";
import { runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";

export const PLUGIN_COPY = new URL("../plugin/src/api/openapi.json", import.meta.url);
const PLUGIN_JSON = new URL("../plugin/src/plugin.json", import.meta.url);

if (import.meta.main) {
  await runCommand({
    usage: `Usage: deno task openapi

Writes the control API's OpenAPI document to plugin/src/api/openapi.json, where the Grafana
plugin's types are generated from, and the proxy routes (every API route for the app's own daemon
and each host slot, with its role) into plugin/src/plugin.json.`,
    options: { help: { type: "boolean", short: "h", default: false } },
    async run() {
      await Deno.writeTextFile(PLUGIN_COPY, JSON.stringify(openApiDocument, null, 2) + "\n");
      const plugin = JSON.parse(await Deno.readTextFile(PLUGIN_JSON));
      plugin.routes = pluginProxyRoutes();
      await Deno.writeTextFile(PLUGIN_JSON, JSON.stringify(plugin, null, 2) + "\n");
      console.log(`wrote ${PLUGIN_COPY.pathname} and the routes in ${PLUGIN_JSON.pathname}`);
      return ExitCode.Ok;
    },
  });
}
