import type { NotifyConfig } from "../config/schema.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { Backoff } from "../backoff.ts";
import { CONTAINER_ACTIONS } from "../executor/container_actions.ts";

/** How a notification ended. */
export type DeliveryResult = "sent" | "failed" | "dropped";

/** Told how each delivery ended. */
export type DeliveryListener = (
  channel: string,
  result: DeliveryResult,
  entry: JournalEntry,
  error?: string,
) => void;

/** Options for {@linkcode Notifier}. */
export interface NotifierOptions {
  config: NotifyConfig;
  /** Told how each delivery ended (metrics; a failure is journaled by the caller). */
  onDelivery?: DeliveryListener;
  /** First retry delay; it doubles. */
  retryDelayMs?: number;
}

const NOTIFIED_ACTIONS: ReadonlySet<string> = new Set([...CONTAINER_ACTIONS, "unload-model"]);

/**
 * Sends journal entries to a webhook (Slack, Discord, …) and Telegram. `notify()` returns at once:
 * deliveries run in the background, each retried with backoff and rate-limited per channel, so a
 * slow, failing or hanging receiver never delays an action or stops the daemon.
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #sentAt = new Map<string, number[]>();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  /** Whether any channel is configured. */
  get enabled(): boolean {
    return Boolean(this.#options.config.webhook || this.#options.config.telegram);
  }

  /** Queues the entry for every channel, if the config asks for this kind of entry. */
  notify(entry: JournalEntry): void {
    if (!this.enabled || !wanted(entry, this.#options.config.on)) return;
    const text = describe(entry);
    const { webhook, telegram } = this.#options.config;
    if (webhook) {
      this.#deliver(
        "webhook",
        entry,
        () => this.#post(webhook.url, { [webhook.payloadKey]: text, entry }),
      );
    }
    if (telegram) {
      this.#deliver(
        "telegram",
        entry,
        () =>
          this.#post(new URL(`/bot${telegram.botToken}/sendMessage`, telegram.apiBase).href, {
            chat_id: telegram.chatId,
            text,
            disable_web_page_preview: true,
          }),
      );
    }
  }

  /** Waits for deliveries in flight, at most `timeoutMs` (on shutdown). */
  async drain(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((resolve) => timer = setTimeout(resolve, timeoutMs)),
    ]);
    clearTimeout(timer);
  }

  #deliver(channel: string, entry: JournalEntry, send: () => Promise<void>): void {
    const now = Date.now();
    const recent = (this.#sentAt.get(channel) ?? []).filter((time) => now - time < 60_000);
    if (recent.length >= this.#options.config.maxPerMinute) {
      this.#sentAt.set(channel, recent);
      this.#options.onDelivery?.(channel, "dropped", entry, "rate limit reached");
      return;
    }
    this.#sentAt.set(channel, [...recent, now]);
    const work = this.#withRetries(send).then(
      () => this.#options.onDelivery?.(channel, "sent", entry),
      (error: Error) => this.#options.onDelivery?.(channel, "failed", entry, error.message),
    );
    this.#inFlight.add(work);
    work.finally(() => this.#inFlight.delete(work));
  }

  async #withRetries(send: () => Promise<void>): Promise<void> {
    const initialMs = this.#options.retryDelayMs ?? 1_000;
    const backoff = new Backoff({ initialMs, maxMs: Number.MAX_SAFE_INTEGER });
    for (let attempt = 0;; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (attempt >= this.#options.config.retries) throw error;
        await backoff.wait();
      }
    }
  }

  async #post(url: string, body: unknown): Promise<void> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.#options.config.timeout),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`answered ${response.status}: ${text.slice(0, 200)}`);
  }
}

/** The notification kinds named after the journal action they stand for. */
const ACTION_KINDS = new Set<string>([
  "give-up",
  "gpu-trip",
  "gpu-clear",
  "probe-down",
  "probe-up",
]);
type NotifyKind = NotifyConfig["on"][number];

/** Whether the entry is one of the kinds the config asks to be told about. */
function wanted(entry: JournalEntry, on: NotifyConfig["on"]): boolean {
  if (entry.action === "notify") return false;
  if (entry.result === "failed") return on.includes("failures");
  if (ACTION_KINDS.has(entry.action)) return on.includes(entry.action as NotifyKind);
  return on.includes("actions") && NOTIFIED_ACTIONS.has(entry.action) &&
    (entry.result === "ok" || entry.result === "dry-run");
}

/** One line a person reads in a chat. */
export function describe(entry: JournalEntry): string {
  const target = entry.container ? ` ${entry.container.name}` : "";
  const model = typeof entry.details.model === "string" ? ` ${entry.details.model}` : "";
  const outcome = entry.result === "failed" ? `FAILED (${entry.error})` : entry.result;
  return `breakwater: ${entry.action}${target}${model} — ${outcome}: ${entry.reason} [by ${entry.actor}]`;
}
