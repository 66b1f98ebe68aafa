import assert from "node:assert/strict";
import { API_ROUTES } from "./control_api.ts";
import { openApiDocument } from "./openapi.ts";

Deno.test("the plugin's copy of the OpenAPI document is current (deno task openapi rewrites it)", async () => {
  const copy = JSON.parse(
    await Deno.readTextFile(new URL("../../../plugin/src/api/openapi.json", import.meta.url)),
  );
  assert.deepEqual(copy, JSON.parse(JSON.stringify(openApiDocument)));
});

Deno.test("the document describes exactly the routes the API serves, with their methods and token", () => {
  const served = API_ROUTES.map((route) => ({
    path: route.path.replace(/:(\w+)/g, "{$1}"),
    method: route.method.toLowerCase(),
    token: route.auth !== "never",
  }));
  const paths = openApiDocument.paths as Record<string, Record<string, { security?: unknown }>>;
  const documented = Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      path,
      method,
      token: operation.security !== undefined,
    }))
  );
  const order = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
  assert.deepEqual(documented.sort(order), served.sort(order));
});
