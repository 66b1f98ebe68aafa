import assert from "node:assert/strict";
import { join } from "node:path";
import { Journal } from "./journal.ts";
import type { JournalEntry } from "./journal_entry.ts";

const entry = (index: number): JournalEntry => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
  action: "restart",
  container: { name: `c${index}`, id: `id${index}` },
  reason: "container is unhealthy",
  details: {},
  actor: "policy",
  result: "ok",
});

Deno.test("concurrent appends each land as one whole line, readable back in order", async () => {
  const dir = await Deno.makeTempDir();
  const journal = new Journal(join(dir, "nested", "journal.jsonl"));
  await Promise.all(Array.from({ length: 50 }, (_, index) => journal.append(entry(index))));
  const lines = (await Deno.readTextFile(journal.path)).trimEnd().split("\n");
  assert.equal(lines.length, 50);
  const entries = await journal.read();
  assert.deepEqual(entries.map((item) => item.container?.name), lines.map((_, i) => `c${i}`));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("read: limit keeps the newest, since filters by time, torn lines are skipped", async () => {
  const dir = await Deno.makeTempDir();
  const journal = new Journal(join(dir, "journal.jsonl"));
  for (let index = 0; index < 5; index++) await journal.append(entry(index));
  await Deno.writeTextFile(journal.path, '{"time":"2026-01-01T00:0', { append: true });
  assert.deepEqual((await journal.read({ limit: 2 })).map((item) => item.container?.name), [
    "c3",
    "c4",
  ]);
  const since = Date.UTC(2026, 0, 1, 0, 0, 3);
  assert.deepEqual((await journal.read({ since })).map((item) => item.container?.name), [
    "c3",
    "c4",
  ]);
  await journal.append(entry(1)); // out of time order: an older entry written last
  assert.deepEqual((await journal.read({ since })).map((item) => item.container?.name), [
    "c3",
    "c4",
  ], "one older entry at the end does not end a read with since");
  assert.deepEqual(await new Journal(join(dir, "none.jsonl")).read(), []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a torn last line is ended before the next append, which stays readable", async () => {
  const dir = await Deno.makeTempDir();
  const journal = new Journal(join(dir, "journal.jsonl"));
  await Deno.writeTextFile(journal.path, JSON.stringify(entry(0)) + '\n{"time":"2026-01-01T0');
  assert.equal(await journal.append(entry(1)), true);
  assert.deepEqual((await journal.read()).map((item) => item.container?.name), ["c0", "c1"]);
  const lines = (await Deno.readTextFile(journal.path)).split("\n");
  assert.equal(lines[1], '{"time":"2026-01-01T0');
  await Deno.remove(dir, { recursive: true });
});

Deno.test("entries that cannot be written wait in memory, readable, and are written later", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "journal.jsonl");
  const failures: number[] = [];
  let recovered = 0;
  const journal = new Journal(path, {
    onWriteFailed: (_error, pending) => failures.push(pending),
    onWriteRecovered: () => recovered++,
  });
  assert.equal(await journal.append(entry(0)), true);
  await Deno.remove(path);
  await Deno.mkdir(path); // appending to a directory fails, for root too
  assert.equal(await journal.append(entry(1)), false);
  assert.equal(await journal.append(entry(2)), false);
  assert.deepEqual(failures, [1, 2]);
  assert.equal(journal.pending, 2);
  await Deno.remove(path);
  assert.deepEqual((await journal.read()).map((item) => item.container?.name), ["c1", "c2"]);
  assert.equal(await journal.flush(), true);
  assert.equal(recovered, 1);
  assert.equal(journal.pending, 0);
  assert.deepEqual((await journal.read()).map((item) => item.container?.name), ["c1", "c2"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("past maxPending the oldest waiting entries are dropped and counted", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "journal.jsonl");
  await Deno.mkdir(path);
  const journal = new Journal(path, { maxPending: 2 });
  for (let index = 0; index < 5; index++) await journal.append(entry(index));
  assert.equal(journal.pending, 2);
  assert.equal(journal.dropped, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("rotation: past maxBytes the file moves to journal.1.jsonl, the oldest past keep goes", async () => {
  const dir = await Deno.makeTempDir();
  const journal = new Journal(join(dir, "journal.jsonl"), { maxBytes: 2_000, keep: 2 });
  for (let index = 0; index < 40; index++) await journal.append(entry(index));
  const names = [...Deno.readDirSync(dir)].map((item) => item.name).sort();
  assert.deepEqual(names, ["journal.1.jsonl", "journal.2.jsonl", "journal.jsonl"]);
  for (const name of names) {
    assert.ok(Deno.statSync(join(dir, name)).size <= 2_000, `${name} is within maxBytes`);
  }
  const all = await journal.read();
  const numbers = all.map((item) => Number(item.container?.name.slice(1)));
  assert.equal(numbers.at(-1), 39, "the newest entry is last");
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), "oldest first, across the files");
  assert.ok(numbers[0] > 0, "the oldest file past keep was removed");
  const since = Date.UTC(2026, 0, 1, 0, 0, numbers[0] + 2);
  const recent = await journal.read({ since });
  assert.equal(recent[0].container?.name, `c${numbers[0] + 2}`, "since reaches into journal.2");
  assert.deepEqual((await journal.read({ limit: 3 })).map((item) => item.container?.name), [
    "c37",
    "c38",
    "c39",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("read from the end: the last entries of an 8 GiB (sparse) journal, without reading it", async () => {
  const dir = await Deno.makeTempDir();
  const journal = new Journal(join(dir, "journal.jsonl"));
  const file = await Deno.open(journal.path, { write: true, create: true });
  await file.truncate(8 * 1024 ** 3); // no newline for 8 GiB: a whole-file read would never end
  file.close();
  await Deno.writeTextFile(journal.path, "\n", { append: true });
  for (let index = 0; index < 100; index++) {
    await journal.append({ ...entry(index), time: "2025-01-01T00:00:00.000Z" }); // long past
  }
  for (let index = 0; index < 20; index++) await journal.append(entry(index));
  const last = await journal.read({ limit: 10 });
  assert.deepEqual(last.map((item) => item.container?.name), [
    "c10",
    "c11",
    "c12",
    "c13",
    "c14",
    "c15",
    "c16",
    "c17",
    "c18",
    "c19",
  ]);
  const since = await journal.read({ since: Date.UTC(2026, 0, 1, 0, 0, 18) });
  assert.deepEqual(since.map((item) => item.container?.name), ["c18", "c19"]);
  await Deno.remove(dir, { recursive: true });
});
