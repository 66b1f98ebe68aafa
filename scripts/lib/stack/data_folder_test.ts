import assert from "node:assert/strict";
import { judgeDataFolder } from "./data_folder.ts";

Deno.test("data folder: missing is made; yours is used; another user's or an unwritable one is refused, saying how", () => {
  const me = { uid: 1000, gid: 1000 };
  assert.deepEqual(judgeDataFolder({ exists: false }, me), { status: "missing" });
  const folder = {
    exists: true as const,
    isDirectory: true,
    uid: 1000,
    mode: 0o40700,
    entryOwners: { "id_ed25519": 1000 },
  };
  assert.deepEqual(judgeDataFolder(folder, me), { status: "usable" });
  const grafanas = judgeDataFolder({ ...folder, uid: 472 }, me);
  assert.equal(grafanas.status, "unusable");
  assert.match((grafanas as { why: string }).why, /owned by uid 472.*sudo chown -R 1000:1000/);
  // Ollama's models, written as root by an earlier stack, in a folder the user made.
  const models = judgeDataFolder(
    { ...folder, entryOwners: { models: 0, history: 0, key: 1000 } },
    me,
  );
  assert.match(
    (models as { why: string }).why,
    /^models in it is owned by uid 0, not you \(1000; 1 more\)/,
  );
  assert.equal(judgeDataFolder({ ...folder, mode: 0o40500 }, me).status, "unusable");
  assert.equal(judgeDataFolder({ ...folder, isDirectory: false }, me).status, "unusable");
});
