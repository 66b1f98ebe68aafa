import assert from "node:assert/strict";
import { parseConfigText } from "../config/load_config.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { describe as describeEntry, Notifier } from "./notifier.ts";

const entry = (overrides: Partial<JournalEntry> = {}): JournalEntry => ({
  time: "2026-01-01T00:00:00.000Z",
  action: "restart",
  container: { name: "api", id: "id" },
  reason: "container is unhealthy",
  details: {},
  actor: "policy",
  result: "ok",
  ...overrides,
});

function receiver(answer: (request: Request) => Promise<Response> | Response) {
  const seen: { path: string; body: Record<string, unknown> }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    seen.push({ path: new URL(request.url).pathname, body: await request.json() });
    return await answer(request);
  });
  return { seen, url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

const notifyConfig = (yaml: string) =>
  parseConfigText(`notify:\n${yaml}`, { file: "t.yaml", env: () => undefined }).notify;

Deno.test("webhook (payload key configurable) and Telegram sendMessage both receive the entry", async () => {
  const hook = receiver(() => new Response("ok"));
  const telegram = receiver(() => Response.json({ ok: true }));
  const deliveries: string[] = [];
  const notifier = new Notifier({
    config: notifyConfig(
      `  webhook: { url: "${hook.url}/hook", payloadKey: content }\n  telegram: { botToken: "123:ABC", chatId: 42, apiBase: "${telegram.url}" }\n`,
    ),
    onDelivery: (channel, result) => deliveries.push(`${channel}:${result}`),
  });
  notifier.notify(entry());
  await notifier.drain(5_000);
  assert.equal(hook.seen[0].path, "/hook");
  assert.equal(hook.seen[0].body.content, describeEntry(entry()));
  assert.deepEqual((hook.seen[0].body.entry as JournalEntry).container, { name: "api", id: "id" });
  assert.equal(telegram.seen[0].path, "/bot123:ABC/sendMessage");
  assert.equal(telegram.seen[0].body.chat_id, "42");
  assert.match(
    telegram.seen[0].body.text as string,
    /^breakwater: restart api — ok: container is unhealthy \[by policy\]$/,
  );
  assert.deepEqual(deliveries.sort(), ["telegram:sent", "webhook:sent"]);
  await hook.close();
  await telegram.close();
});

Deno.test("only the configured kinds are sent; skips and notes are not", async () => {
  const hook = receiver(() => new Response("ok"));
  const notifier = new Notifier({
    config: notifyConfig(`  webhook: { url: "${hook.url}" }\n  on: [give-up, failures]\n`),
  });
  notifier.notify(entry());
  notifier.notify(entry({ result: "skipped" }));
  notifier.notify(entry({ action: "give-up" }));
  notifier.notify(entry({ result: "failed", error: "boom" }));
  await notifier.drain(5_000);
  assert.deepEqual(
    hook.seen.map((seen) =>
      (seen.body.entry as JournalEntry).action + ":" + (seen.body.entry as JournalEntry).result
    ),
    [
      "give-up:ok",
      "restart:failed",
    ],
  );
  await hook.close();
});

Deno.test("a failing receiver is retried with backoff, then reported failed", async () => {
  let calls = 0;
  const hook = receiver(() => {
    calls++;
    return calls < 3 ? new Response("down", { status: 503 }) : new Response("ok");
  });
  const results: string[] = [];
  const notifier = new Notifier({
    config: notifyConfig(`  webhook: { url: "${hook.url}" }\n  retries: 3\n`),
    retryDelayMs: 20,
    onDelivery: (_, result) => results.push(result),
  });
  notifier.notify(entry());
  await notifier.drain(5_000);
  assert.equal(calls, 3);
  assert.deepEqual(results, ["sent"]);
  const never = new Notifier({
    config: notifyConfig(
      `  webhook: { url: "${hook.url.replace(/:\d+$/, ":9")}" }\n  retries: 1\n`,
    ),
    retryDelayMs: 10,
    onDelivery: (_, result, __, error) => results.push(`${result}:${Boolean(error)}`),
  });
  never.notify(entry());
  await never.drain(5_000);
  assert.deepEqual(results, ["sent", "failed:true"]);
  await hook.close();
});

Deno.test("a hanging receiver does not delay the caller; the rate limit drops the excess", async () => {
  const hook = receiver(() =>
    new Promise((resolve) => setTimeout(() => resolve(new Response("late")), 1_500))
  );
  const results: string[] = [];
  const notifier = new Notifier({
    config: notifyConfig(
      `  webhook: { url: "${hook.url}" }\n  maxPerMinute: 2\n  retries: 0\n  timeout: 500ms\n`,
    ),
    onDelivery: (_, result) => results.push(result),
  });
  const start = performance.now();
  for (let i = 0; i < 4; i++) notifier.notify(entry());
  assert.ok(performance.now() - start < 50, "notify returns at once");
  await notifier.drain(5_000);
  assert.deepEqual(results.sort(), ["dropped", "dropped", "failed", "failed"]);
  await hook.close();
});
