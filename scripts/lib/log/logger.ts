/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Where the daemon's progress goes: readable lines, or JSON lines with `--json`. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  json?: boolean;
  /** Print `debug` lines too. */
  verbose?: boolean;
  write?: (line: string) => void;
  now?: () => number;
}

/** A logger writing one line per message to stderr (or `write`). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => console.error(line));
  const now = options.now ?? Date.now;
  return {
    log(level, message, fields = {}) {
      if (level === "debug" && !options.verbose) return;
      const time = new Date(now()).toISOString();
      if (options.json) {
        write(JSON.stringify({ time, level, message, ...fields }));
        return;
      }
      const extra = Object.entries(fields).map(([key, value]) =>
        `${key}=${escapeControl(typeof value === "string" ? value : String(JSON.stringify(value)))}`
      );
      write([time, level.toUpperCase().padEnd(5), escapeControl(message), ...extra].join(" "));
    },
  };
}

/**
 * Writes control characters (newlines, ANSI escapes) as `\n`, `\x1b` and so on, so that text from
 * a request or a container can neither forge a log line nor drive the terminal.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, (character) => {
    switch (character) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      default:
        return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
    }
  });
}
