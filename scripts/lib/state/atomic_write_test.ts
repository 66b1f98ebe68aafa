import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic_write.ts";

Deno.test("replaces a file's contents, readable only by its owner, nothing left beside it", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.json");
  await Deno.writeTextFile(path, "old\n");
  const before = Deno.statSync(path).ino;
  await writeFileAtomic(path, "new\n");
  assert.equal(await Deno.readTextFile(path), "new\n");
  assert.notEqual(Deno.statSync(path).ino, before, "renamed over, not written in place");
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["state.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("creates the folder when it is missing", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "a", "b", "token");
  await writeFileAtomic(path, "secret\n");
  assert.equal(await Deno.readTextFile(path), "secret\n");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a write that cannot land throws and removes its temporary file", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.json");
  // A folder that is not empty cannot be renamed over, whoever runs the test (root included).
  await Deno.mkdir(join(path, "inside"), { recursive: true });
  await assert.rejects(() => writeFileAtomic(path, "{}\n"));
  assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["state.json"]);
  assert.ok(Deno.statSync(path).isDirectory);
  await Deno.remove(dir, { recursive: true });
});
