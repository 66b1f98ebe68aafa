import assert from "node:assert/strict";
import type { JournalNote } from "../executor/executor.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { deliveryReactions } from "./delivery_reactions.ts";

const entry: JournalEntry = {
  time: "2026-12-02T00:00:00.000Z",
  action: "pause",
  container: { name: "bot", id: "id-bot" },
  reason: "GPU pressure",
  details: {},
  actor: "policy",
  result: "ok",
};

Deno.test("delivery reactions: every delivery counted; a failed one journaled failed, a dropped one skipped", () => {
  const counted: string[] = [];
  const notes: JournalNote[] = [];
  const onDelivery = deliveryReactions({
    metrics: { recordNotification: (channel, result) => counted.push(`${channel} ${result}`) },
    note: (note) => notes.push(note),
  });
  onDelivery("webhook", "sent", entry);
  onDelivery("telegram", "failed", entry, "401 Unauthorized");
  onDelivery("webhook", "dropped", entry, "rate limit reached");
  assert.deepEqual(counted, ["webhook sent", "telegram failed", "webhook dropped"]);
  assert.deepEqual(notes.map((note) => [note.result, note.reason, note.container?.name]), [
    ["failed", 'telegram notification for "pause" failed: 401 Unauthorized', "bot"],
    ["skipped", 'webhook notification for "pause" dropped: rate limit reached', "bot"],
  ]);
  assert.ok(notes.every((note) => note.action === "notify" && note.actor === "policy"));
});
