import assert from "node:assert/strict";
import { htmlProblem, TelegramBotApi } from "./telegram_bot_api.ts";

const TOKEN = "123456:secret";

Deno.test("Telegram stand-in: accepts what the Bot API accepts, refuses what it refuses", async () => {
  const api = TelegramBotApi.start(TOKEN, [42]);
  const call = async (path: string, body?: unknown) => {
    const response = await fetch(`${api.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
    });
    return { status: response.status, body: await response.json() };
  };
  try {
    const sent = await call(`/bot${TOKEN}/sendMessage`, {
      chat_id: 42,
      text: "<b>VRAM</b> over 90 &amp; rising",
      parse_mode: "HTML",
    });
    assert.equal(sent.status, 200);
    assert.equal(sent.body.ok, true);
    assert.equal(sent.body.result.chat.id, 42);
    const form = await fetch(`${api.url}/bot${TOKEN}/SENDMESSAGE`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ chat_id: "42", text: "plain" }),
    });
    assert.equal(form.status, 200, "method names are case-insensitive; form bodies are read");
    await form.body?.cancel();
    assert.deepEqual(api.messages.map((message) => message.text), [
      "<b>VRAM</b> over 90 &amp; rising",
      "plain",
    ]);

    const refusals: [string, unknown, number, string][] = [
      ["/bot1:wrong/sendMessage", { chat_id: 42, text: "x" }, 401, "Unauthorized"],
      [`/bot${TOKEN}/sendPigeon`, {}, 404, "Not Found"],
      ["/sendMessage", {}, 404, "Not Found"],
      [`/bot${TOKEN}/sendMessage`, { text: "x" }, 400, "Bad Request: chat_id is empty"],
      [`/bot${TOKEN}/sendMessage`, { chat_id: 42 }, 400, "Bad Request: message text is empty"],
      [`/bot${TOKEN}/sendMessage`, { chat_id: 7, text: "x" }, 400, "Bad Request: chat not found"],
      [
        `/bot${TOKEN}/sendMessage`,
        { chat_id: 42, text: "x".repeat(4097) },
        400,
        "Bad Request: message is too long",
      ],
      [
        `/bot${TOKEN}/sendMessage`,
        { chat_id: 42, text: "x", parse_mode: "html5" },
        400,
        "Bad Request: unsupported parse_mode",
      ],
    ];
    for (const [path, body, status, description] of refusals) {
      const answer = await call(path, body);
      assert.equal(answer.status, status, `${path} ${JSON.stringify(body).slice(0, 60)}`);
      assert.deepEqual(answer.body, { ok: false, error_code: status, description });
    }
    const badHtml = await call(`/bot${TOKEN}/sendMessage`, {
      chat_id: 42,
      text: "memory < limit",
      parse_mode: "HTML",
    });
    assert.equal(badHtml.status, 400);
    assert.match(badHtml.body.description, /^Bad Request: can't parse entities: /);
    assert.equal(api.messages.length, 2, "nothing refused was recorded");
  } finally {
    await api.close();
  }
});

Deno.test("Telegram stand-in: HTML style allows only its tags, balanced, and escaped text", () => {
  assert.equal(htmlProblem('<a href="http://x/?a=1&amp;b=2">link</a> <code>x</code>'), null);
  assert.equal(htmlProblem("<b><i>both</i></b>"), null);
  assert.match(htmlProblem("<div>x</div>")!, /Unsupported start tag "div"/);
  assert.match(htmlProblem("<b>x</i>")!, /Unmatched end tag/);
  assert.match(htmlProblem("<b>open")!, /Can't find end tag/);
  assert.match(htmlProblem("a & b")!, /unescaped "&"/);
});
