/** How a step ended: done now, already so, fine, a warning, refused, or left to the user. */
export type StepStatus = "create" | "keep" | "ok" | "warn" | "fail" | "todo";

/** Where `up` and `down` say what they do, step by step. */
export interface StepReporter {
  step(name: string, status: StepStatus, detail: string): void;
  /** Starts a long step; the returned function ends it. */
  progress(name: string, detail: string): (ok: boolean) => void;
}

const MARKS: Record<StepStatus, string> = {
  create: "+",
  keep: "=",
  ok: "✓",
  warn: "!",
  fail: "✗",
  todo: "→",
};

/** Every step recorded, for `--json` and tests. */
export interface RecordedStep {
  name: string;
  status: StepStatus;
  detail: string;
}

/**
 * Steps as lines on stderr (`+ token  compose/secrets/breakwater-token`), a long step's seconds
 * ticking on a terminal; every step also kept in `steps`.
 */
export class ConsoleReporter implements StepReporter {
  readonly steps: RecordedStep[] = [];
  readonly #encoder = new TextEncoder();

  /** With `dryRun`, what would be created is shown as such. */
  constructor(readonly dryRun = false) {}

  step(name: string, status: StepStatus, detail: string): void {
    this.steps.push({ name, status, detail });
    const planned = this.dryRun && status === "create";
    this.#write(
      `${planned ? MARKS.todo : MARKS[status]} ${name.padEnd(12)} ${
        planned ? "would create " : ""
      }${detail}\n`,
    );
  }

  progress(name: string, detail: string): (ok: boolean) => void {
    const started = Date.now();
    const live = Deno.stderr.isTerminal();
    const line = () =>
      `… ${name.padEnd(12)} ${detail} ${Math.round((Date.now() - started) / 1_000)} s`;
    if (!live) this.#write(`${line()}\n`);
    const timer = live ? setInterval(() => this.#write(`\r${line()}`), 1_000) : undefined;
    return (ok) => {
      clearInterval(timer);
      if (live) this.#write("\r\x1b[2K");
      this.step(
        name,
        ok ? "create" : "fail",
        `${detail}: ${ok ? "done" : "failed"} in ${Math.round((Date.now() - started) / 1_000)} s`,
      );
    };
  }

  #write(text: string): void {
    Deno.stderr.writeSync(this.#encoder.encode(text));
  }
}
