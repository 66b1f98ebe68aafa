import { join } from "node:path";
import type { JournalEntry } from "../../scripts/lib/journal/journal_entry.ts";
import { Journal } from "../../scripts/lib/journal/journal.ts";
import { waitFor } from "./wait.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A config file and state directory of a test's own. */
export interface Workspace {
  dir: string;
  configPath: string;
  stateDir: string;
  journal: Journal;
  /** The persisted state file, parsed. */
  state(): Promise<Record<string, unknown>>;
  entries(): Promise<JournalEntry[]>;
  remove(): Promise<void>;
}

/** Writes `configYaml` (its `stateDir` set to a fresh folder) into a temporary workspace. */
export async function createWorkspace(configYaml = ""): Promise<Workspace> {
  const dir = await Deno.makeTempDir({ prefix: "breakwater-test-" });
  const stateDir = join(dir, "state");
  const configPath = join(dir, "breakwater.yaml");
  await Deno.writeTextFile(configPath, `stateDir: ${stateDir}\n${configYaml}`);
  const journal = new Journal(join(stateDir, "journal.jsonl"));
  return {
    dir,
    configPath,
    stateDir,
    journal,
    state: async () => JSON.parse(await Deno.readTextFile(join(stateDir, "state.json"))),
    entries: () => journal.read(),
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

/** The outcome of a command run to its end. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one of breakwater's entry scripts to its end. */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(ROOT, "scripts", script), ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/**
 * The `deno` arguments of a task in deno.json (runtime flags and permission set included), so
 * that tests and benchmarks run a command exactly as users do.
 */
export async function taskArgs(name: string, root = ROOT): Promise<string[]> {
  const tasks = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))).tasks;
  const task = tasks[name] as string | { command: string };
  const line = typeof task === "string" ? task : task.command;
  const [command, ...args] = line.split(/\s+/);
  if (command !== "deno") throw new Error(`the ${name} task does not run deno: ${line}`);
  return args;
}

/** `deno task watch` running as a child process, its output collected. */
export class Daemon {
  #output = "";
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<Deno.CommandStatus>;
  #exited = false;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    const collect = async (stream: ReadableStream<Uint8Array>) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) this.#output += text;
    };
    const collected = Promise.all([collect(child.stdout), collect(child.stderr)]);
    this.#done = child.status.then(async (status) => {
      this.#exited = true;
      await collected;
      return status;
    });
  }

  /**
   * Starts the daemon as `deno task watch` runs it, and waits until it says it is ready (follows
   * the engine's events, first pass done), or only until it says it started (`waitFor`).
   */
  static async start(
    args: string[],
    env: Record<string, string> = {},
    waitFor: RegExp = /breakwater ready/,
    { fileLimit, prefix = [] }: {
      fileLimit?: number;
      /** Words before the command, such as `nsenter --net=…` to run it in another namespace. */
      prefix?: string[];
    } = {},
  ): Promise<Daemon> {
    const deno = [...prefix, Deno.execPath(), ...await taskArgs("watch"), ...args];
    // `ulimit -n` for the daemon alone, as a service manager's LimitNOFILE would set it.
    const [command, ...commandArgs] = fileLimit === undefined
      ? deno
      : ["sh", "-c", `ulimit -n ${fileLimit} && exec "$0" "$@"`, ...deno];
    const child = new Deno.Command(command, {
      args: commandArgs,
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const daemon = new Daemon(child);
    await daemon.waitForOutput(waitFor);
    return daemon;
  }

  /** The daemon's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Everything it printed so far. */
  get output(): string {
    return this.#output;
  }

  /** Whether the process has ended. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Waits until its output matches `pattern`. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    await waitFor(`daemon output matching ${pattern}`, () => {
      if (this.#exited && !pattern.test(this.#output)) {
        throw new Error(`daemon exited; output:\n${this.#output}`);
      }
      return pattern.test(this.#output);
    }, { timeoutMs });
  }

  /** The control API's address, from the line the daemon prints when it listens. */
  async apiUrl(): Promise<string> {
    await this.waitForOutput(/control API listening on http/);
    return /control API listening on (http:\/\/\S+)/.exec(this.#output)![1];
  }

  /** Kills it with SIGKILL, as a crash or an OOM kill would, and waits for it to end. */
  async kill(): Promise<void> {
    if (!this.#exited) this.#child.kill("SIGKILL");
    await this.#done;
  }

  /** Sends SIGTERM and waits for a clean exit. */
  async stop(): Promise<Deno.CommandStatus> {
    if (!this.#exited) this.#child.kill("SIGTERM");
    return await this.#done;
  }
}
