/**
 * A stand-in for the part of the Telegram Bot API that notifications use (`getMe`,
 * `sendMessage`), on loopback, following https://core.telegram.org/bots/api:
 *
 * - "Making requests": `/bot<token>/<method>`, method names case-insensitive, parameters in the
 *   query string, `application/x-www-form-urlencoded` or `application/json`; the answer is a JSON
 *   object with `ok`, then `result`, or `error_code` and `description`.
 * - A token the server does not know: 401 `Unauthorized`. A method it does not have: 404
 *   `Not Found`.
 * - `sendMessage`: `chat_id` and `text` required (400 `Bad Request: chat_id is empty`,
 *   `Bad Request: message text is empty`); a chat the bot cannot write to: 400
 *   `Bad Request: chat not found`; `text` at most 4096 characters (400
 *   `Bad Request: message is too long`); `parse_mode` one of `HTML`, `Markdown`, `MarkdownV2`
 *   (400 `Bad Request: unsupported parse_mode`).
 * - "HTML style": only the tags b, strong, i, em, u, ins, s, strike, del, span, tg-spoiler, a,
 *   code, pre, blockquote, tg-emoji; other `<`, `>` and `&` must be escaped. Anything else: 400
 *   `Bad Request: can't parse entities: …`.
 */
export class TelegramBotApi {
  /** Every message accepted, in order. */
  readonly messages: { chatId: string; text: string; parseMode: string | null }[] = [];

  readonly url: string;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  private constructor(readonly token: string, readonly chats: ReadonlySet<string>) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => this.#answer(request),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Serves the bot with `token`, which may write to `chatIds`. */
  static start(token: string, chatIds: readonly (string | number)[]): TelegramBotApi {
    return new TelegramBotApi(token, new Set(chatIds.map(String)));
  }

  async #answer(request: Request): Promise<Response> {
    const match = new URL(request.url).pathname.match(/^\/bot([^/]+)\/([A-Za-z]+)$/);
    if (!match) return fail(404, "Not Found");
    if (match[1] !== this.token) return fail(401, "Unauthorized");
    const params = await paramsOf(request);
    switch (match[2].toLowerCase()) {
      case "getme":
        return ok({ id: Number(this.token.split(":")[0]), is_bot: true, first_name: "breakwater" });
      case "sendmessage":
        return this.#sendMessage(params);
      default:
        return fail(404, "Not Found");
    }
  }

  #sendMessage(params: Record<string, unknown>): Response {
    const chatId = params.chat_id === undefined ? "" : String(params.chat_id);
    const text = typeof params.text === "string" ? params.text : "";
    const parseMode = typeof params.parse_mode === "string" ? params.parse_mode : null;
    if (!chatId) return fail(400, "Bad Request: chat_id is empty");
    if (!text.trim()) return fail(400, "Bad Request: message text is empty");
    if (!this.chats.has(chatId)) return fail(400, "Bad Request: chat not found");
    if ([...text].length > 4096) return fail(400, "Bad Request: message is too long");
    if (parseMode !== null && !["HTML", "Markdown", "MarkdownV2"].includes(parseMode)) {
      return fail(400, "Bad Request: unsupported parse_mode");
    }
    if (parseMode === "HTML") {
      const problem = htmlProblem(text);
      if (problem) return fail(400, `Bad Request: can't parse entities: ${problem}`);
    }
    this.messages.push({ chatId, text, parseMode });
    return ok({
      message_id: this.messages.length,
      date: Math.floor(Date.now() / 1_000),
      chat: { id: Number(chatId), type: "private" },
      text,
    });
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }
}

const HTML_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

/** What the Bot API would refuse in an HTML-style text, or null. */
export function htmlProblem(text: string): string | null {
  const open: string[] = [];
  const pattern = /<(\/?)([a-z-]*)[^<>]*>|&(#?\w+);|[<>&]/g;
  for (const match of text.matchAll(pattern)) {
    const [whole, closing, tag, entity] = match;
    if (entity !== undefined) continue;
    if (whole.length === 1) {
      return `Unsupported start tag or unescaped "${whole}" at byte offset ${match.index}`;
    }
    if (!HTML_TAGS.has(tag)) return `Unsupported start tag "${tag}" at byte offset ${match.index}`;
    if (!closing) open.push(tag);
    else if (open.pop() !== tag) {
      return `Unmatched end tag at byte offset ${match.index}, expected "</${tag}>"`;
    }
  }
  return open.length > 0 ? `Can't find end tag corresponding to start tag "${open.at(-1)}"` : null;
}

async function paramsOf(request: Request): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(new URL(request.url).searchParams);
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("application/json")) {
    Object.assign(params, await request.json().catch(() => ({})));
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(await request.text())));
  }
  return params;
}

const ok = (result: unknown) => Response.json({ ok: true, result });
const fail = (status: number, description: string) =>
  Response.json({ ok: false, error_code: status, description }, { status });
