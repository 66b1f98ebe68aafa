/** One message from the engine's event stream, reduced to what breakwater uses. */
export interface EngineEvent {
  /** `container`, `image`, `network`… */
  type: string;
  /** `start`, `die`, `pause`, `unpause`, `health_status: unhealthy`… */
  action: string;
  id: string;
  /** The container's name where the event has one. */
  name: string;
  /** When the engine emitted it, ms since the epoch (sub-ms precision kept). */
  time: number;
}

/**
 * Splits the engine's event stream (JSON documents separated by newlines, cut into arbitrary
 * chunks) into events. Keeps the unfinished tail between calls.
 */
export class EngineEventDecoder {
  #pending = "";
  #decoder = new TextDecoder();

  /** Feeds a chunk; returns the events it completed. Malformed lines are skipped. */
  push(chunk: Uint8Array | string): EngineEvent[] {
    this.#pending += typeof chunk === "string"
      ? chunk
      : this.#decoder.decode(chunk, { stream: true });
    const lines = this.#pending.split("\n");
    this.#pending = lines.pop() ?? "";
    return lines.flatMap((line) => {
      const event = line.trim() ? parseEvent(line) : undefined;
      return event ? [event] : [];
    });
  }
}

function parseEvent(line: string): EngineEvent | undefined {
  try {
    const message = JSON.parse(line);
    const action = message.Action ?? message.status;
    const id = message.Actor?.ID ?? message.id;
    if (typeof action !== "string" || typeof id !== "string") return undefined;
    return {
      type: message.Type ?? "container",
      action,
      id,
      name: message.Actor?.Attributes?.name ?? "",
      time: message.timeNano ? message.timeNano / 1e6 : (message.time ?? 0) * 1_000,
    };
  } catch {
    return undefined;
  }
}
