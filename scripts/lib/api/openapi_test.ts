import assert from "node:assert/strict";
import { openApiDocument } from "./openapi.ts";

Deno.test("the plugin's copy of the OpenAPI document is current (deno task openapi rewrites it)", async () => {
  const copy = JSON.parse(
    await Deno.readTextFile(new URL("../../../plugin/src/api/openapi.json", import.meta.url)),
  );
  assert.deepEqual(copy, JSON.parse(JSON.stringify(openApiDocument)));
});
