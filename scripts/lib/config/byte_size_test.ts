import assert from "node:assert/strict";
import { parseByteSize } from "./byte_size.ts";

Deno.test("byte sizes: numbers of bytes and binary or decimal units; anything else is undefined", () => {
  assert.equal(parseByteSize(1_000), 1_000);
  assert.equal(parseByteSize("10MiB"), 10 * 1024 * 1024);
  assert.equal(parseByteSize("512 kib"), 512 * 1024);
  assert.equal(parseByteSize("1.5GB"), 1_500_000_000);
  for (const bad of ["10 parsecs", "", "-1", "MiB", -5, 1.5]) {
    assert.equal(parseByteSize(bad), undefined, String(bad));
  }
});
