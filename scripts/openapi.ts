/**
 * `deno task openapi`: writes the control API's OpenAPI document where the Grafana plugin reads
 * it (plugin/src/api/openapi.json). A test fails while the two differ.
 * @module
 */
import { openApiDocument } from "./lib/api/openapi.ts";
import { runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";

export const PLUGIN_COPY = new URL("../plugin/src/api/openapi.json", import.meta.url);

if (import.meta.main) {
  await runCommand({
    usage: `Usage: deno task openapi

Writes the control API's OpenAPI document to plugin/src/api/openapi.json, where the Grafana
plugin's types are generated from.`,
    options: { help: { type: "boolean", short: "h", default: false } },
    async run() {
      await Deno.writeTextFile(PLUGIN_COPY, JSON.stringify(openApiDocument, null, 2) + "\n");
      console.log(`wrote ${PLUGIN_COPY.pathname}`);
      return ExitCode.Ok;
    },
  });
}
