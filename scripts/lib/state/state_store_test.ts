import assert from "node:assert/strict";
import { join } from "node:path";
import { freshContainerState } from "../heal/heal_state.ts";
import { StateStore } from "./state_store.ts";

Deno.test("updates persist and a new store reads them back", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.json");
  const store = await StateStore.open(path);
  assert.deepEqual(store.current.heal.containers, {});
  const result = await store.update((state) => ({
    state: { ...state, heal: { containers: { api: freshContainerState("id1") } } },
    result: 42,
  }));
  assert.equal(result, 42);
  const reopened = await StateStore.open(path);
  assert.equal(reopened.current.heal.containers.api.id, "id1");
  assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["state.json"]);
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a change that leaves the state as it was is not written again", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.json");
  const store = await StateStore.open(path);
  const withApi = (state: typeof store.current) => ({
    state: { ...state, heal: { containers: { api: freshContainerState("id1") } } },
    result: undefined,
  });
  await store.update(withApi);
  const written = Deno.statSync(path).ino;
  await store.update(withApi); // a new object, the same contents
  assert.equal(Deno.statSync(path).ino, written, "an atomic write would have replaced the file");
  await store.update((state) => ({
    state: { ...state, heal: { containers: { db: freshContainerState("id2") } } },
    result: undefined,
  }));
  assert.notEqual(Deno.statSync(path).ino, written);
  assert.deepEqual(Object.keys((await StateStore.open(path)).current.heal.containers), ["db"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("updates apply one at a time in order", async () => {
  const dir = await Deno.makeTempDir();
  const store = await StateStore.open(join(dir, "state.json"));
  const names = Array.from({ length: 20 }, (_, index) => `c${index}`);
  await Promise.all(names.map((name) =>
    store.update((state) => ({
      state: {
        ...state,
        heal: { containers: { ...state.heal.containers, [name]: freshContainerState(name) } },
      },
      result: undefined,
    }))
  ));
  const reopened = await StateStore.open(join(dir, "state.json"));
  assert.deepEqual(Object.keys(reopened.current.heal.containers).sort(), [...names].sort());
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an unreadable state file is moved aside, not lost, and reported", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.json");
  await Deno.writeTextFile(path, "{ half a file");
  const warnings: string[] = [];
  const store = await StateStore.open(path, { onWarning: (message) => warnings.push(message) });
  assert.deepEqual(store.current.heal.containers, {});
  assert.equal(warnings.length, 1);
  const aside = [...Deno.readDirSync(dir)].map((entry) => entry.name);
  assert.equal(aside.length, 1);
  assert.match(aside[0], /^state\.json\.unreadable-\d+$/);
  assert.equal(await Deno.readTextFile(join(dir, aside[0])), "{ half a file");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a dry-run store keeps changes in memory only", async () => {
  const dir = await Deno.makeTempDir();
  const store = await StateStore.open(join(dir, "state.json"), { persist: false });
  await store.update((state) => ({
    state: { ...state, heal: { containers: { a: freshContainerState("a") } } },
    result: undefined,
  }));
  assert.equal(store.current.heal.containers.a.id, "a");
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("valid JSON of the wrong shape is moved aside like unreadable JSON", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.json");
  await Deno.writeTextFile(path, '{"version":1,"heal":{"containers":{"api":{"id":7}}}}');
  const warnings: string[] = [];
  const store = await StateStore.open(path, { onWarning: (message) => warnings.push(message) });
  assert.deepEqual(store.current.heal.containers, {});
  assert.match(warnings[0], /heal\.containers\.api\.id/);
  assert.equal([...Deno.readDirSync(dir)].length, 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a failed write keeps the state in memory, is reported, and is retried", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "state.json");
  const failures: string[] = [];
  let recovered = 0;
  const store = await StateStore.open(path, {
    onWriteFailed: (error) => failures.push(error.message),
    onWriteRecovered: () => recovered++,
  });
  await Deno.mkdir(path); // renaming a file over a directory fails, for root too
  const result = await store.update((state) => ({
    state: { ...state, heal: { containers: { api: freshContainerState("id1") } } },
    result: "applied",
  }));
  assert.equal(result, "applied");
  assert.equal(store.current.heal.containers.api.id, "id1");
  assert.equal(store.unsaved, true);
  assert.equal(failures.length, 1);
  assert.equal(await store.flush(), false);
  await Deno.remove(path);
  assert.equal(await store.flush(), true);
  assert.equal(recovered, 1);
  assert.equal(store.unsaved, false);
  assert.equal((await StateStore.open(path)).current.heal.containers.api.id, "id1");
  assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["state.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("changes asked for during a write go to disk together; each caller resumes once its change is written", async () => {
  const dir = await Deno.makeTempDir();
  const written: string[] = [];
  let releaseFirst!: () => void;
  const firstHeld = new Promise<void>((resolve) => releaseFirst = resolve);
  const store = await StateStore.open(join(dir, "state.json"), {
    async writeFile(_path, text) {
      if (written.length === 0) await firstHeld;
      written.push(text);
    },
  });
  const add = (name: string) =>
    store.update((state) => ({
      state: {
        ...state,
        heal: { containers: { ...state.heal.containers, [name]: freshContainerState(name) } },
      },
      result: name,
    })).then((done) => {
      assert.ok(written.at(-1)?.includes(`"${done}"`), `${done} resumed before it was written`);
      return done;
    });
  const first = add("c0");
  await Promise.resolve(); // the first write starts, and is held
  const rest = Array.from({ length: 19 }, (_, index) => add(`c${index + 1}`));
  assert.deepEqual(Object.keys(store.current.heal.containers).length, 20, "applied at once");
  releaseFirst();
  assert.deepEqual(await Promise.all([first, ...rest]), [first, ...rest].map((_, i) => `c${i}`));
  assert.equal(written.length, 2, "one write for the first change, one for the nineteen after it");
  await Deno.remove(dir, { recursive: true });
});
