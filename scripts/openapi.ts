/**
 * `deno task openapi`: writes the control API's OpenAPI document where the Grafana plugin reads
 * it (plugin/src/api/openapi.json). A test fails while the two differ.
 * @module
 */
import { openApiDocument } from "./lib/api/openapi.ts";

export const PLUGIN_COPY = new URL("../plugin/src/api/openapi.json", import.meta.url);

if (import.meta.main) {
  await Deno.writeTextFile(PLUGIN_COPY, JSON.stringify(openApiDocument, null, 2) + "\n");
  console.log(`wrote ${PLUGIN_COPY.pathname}`);
}
