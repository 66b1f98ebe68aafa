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
