import assert from "node:assert/strict";
import { parseConfigText } from "./load_config.ts";

Deno.test("breakwater.example.yaml is valid and states the defaults", async () => {
  const url = new URL("../../../breakwater.example.yaml", import.meta.url);
  const env = () => undefined;
  const example = parseConfigText(await Deno.readTextFile(url), { file: url.pathname, env });
  const defaults = parseConfigText("", { file: url.pathname, env });
  assert.deepEqual(example, defaults);
});
