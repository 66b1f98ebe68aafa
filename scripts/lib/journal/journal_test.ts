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
