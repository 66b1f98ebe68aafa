import { dirname, isAbsolute, join, resolve } from "node:path";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./config_error.ts";
import type { ConfigProblem, SourcePosition } from "./config_error.ts";
import { type Config, configSchema } from "./schema.ts";
import { checkStateDir, defaultStateDir } from "./state_dir.ts";

/** The file name looked for in the working directory when no path is given. */
export const DEFAULT_CONFIG_FILE = "breakwater.yaml";

/**
 * The largest config file read. A real one is a few kilobytes; a huge one (a wrong path, a log
 * file) would take minutes and gigabytes to parse.
 */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** Where the config comes from and what it holds. */
export interface LoadedConfig {
  config: Config;
  /** The file read, or `undefined` when none exists and defaults apply. */
  path?: string;
}

/** Options for {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** `--config PATH`; wins over `BREAKWATER_CONFIG`. */
  path?: string;
  env?: (name: string) => string | undefined;
  cwd?: string;
}

/**
 * Finds and validates the config: `--config`, else `BREAKWATER_CONFIG`, else `breakwater.yaml` in
 * the working directory, else defaults. A named file that is missing is an error.
 * @throws {ConfigError} with file, line, column and key for every problem.
 * @throws {UsageError} when `stateDir` is a file.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const cwd = options.cwd ?? Deno.cwd();
  const named = options.path ?? env("BREAKWATER_CONFIG");
  const path = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readCapped(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof Deno.errors.NotFound && named === undefined) {
      const config = parseConfigText("", { file: path, env });
      await checkStateDir(config.stateDir);
      return { config };
    }
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new ConfigError(path, [{
      key: "",
      message: `cannot read the config file (${reason}); check the path given with --config or ` +
        "BREAKWATER_CONFIG",
    }]);
  }
  const config = parseConfigText(text, { file: path, env });
  await checkStateDir(config.stateDir);
  return { config, path };
}

/**
 * A regular file's text, at most {@linkcode MAX_CONFIG_BYTES} of it read whatever `stat` says (a
 * device says 0); a directory, device or FIFO is refused before it is opened (a FIFO would block).
 */
async function readCapped(path: string): Promise<string> {
  const info = await Deno.stat(path);
  if (!info.isFile) {
    const kind = info.isDirectory ? "a directory" : "a device, FIFO or socket";
    throw new ConfigError(path, [{
      key: "",
      message: `${kind}, not a config file; point --config or BREAKWATER_CONFIG at a YAML file`,
    }]);
  }
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(MAX_CONFIG_BYTES + 1);
  let size = 0;
  while (size < buffer.length) {
    const count = await file.read(buffer.subarray(size));
    if (count === null) break;
    size += count;
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(path, [{
      key: "",
      message: `the config file is over ${MAX_CONFIG_BYTES} bytes, the most that is read. ` +
        "Is --config or BREAKWATER_CONFIG pointing at the right file?",
    }]);
  }
  return new TextDecoder().decode(buffer.subarray(0, size));
}

/** Options for {@linkcode parseConfigText}. */
export interface ParseConfigOptions {
  /** Shown in errors, and relative `stateDir` values resolve against its folder. */
  file: string;
  env?: (name: string) => string | undefined;
}

/**
 * Parses and validates config text.
 * @throws {ConfigError} for YAML syntax errors and for values the schema rejects.
 */
export function parseConfigText(text: string, options: ParseConfigOptions): Config {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  const syntaxProblems = document.errors.map((error): ConfigProblem => ({
    key: "",
    message: `YAML syntax: ${
      error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")
    }`,
    position: toPosition(error.linePos?.[0]),
  }));
  if (syntaxProblems.length > 0) throw new ConfigError(options.file, syntaxProblems);

  let raw: unknown;
  try {
    raw = document.toJS() ?? {};
  } catch (error) {
    // The yaml package refuses alias expansion past its limit ("billion laughs").
    throw new ConfigError(options.file, [{
      key: "",
      message: `YAML: ${(error as Error).message}; write the values out instead of nesting aliases`,
    }]);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const at = (offset: number | undefined) =>
      offset === undefined ? undefined : toPosition(lineCounter.linePos(offset));
    throw new ConfigError(
      options.file,
      parsed.error.issues.flatMap((issue) => describeIssue(issue, document, at)),
    );
  }
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const { api, gpu } = parsed.data;
  return {
    ...parsed.data,
    stateDir: resolveStateDir(parsed.data.stateDir, options.file, env),
    api: api.tokenFile === undefined
      ? api
      : { ...api, tokenFile: resolvePath(api.tokenFile, options.file, env) },
    // A bare command name is looked up on PATH; a path to the program is resolved like any.
    gpu: /^~|\//.test(gpu.nvidiaSmi)
      ? { ...gpu, nvidiaSmi: resolvePath(gpu.nvidiaSmi, options.file, env) }
      : gpu,
  };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  document: Document,
  at: (offset: number | undefined) => SourcePosition | undefined,
): ConfigProblem[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      key: [...path, key].join("."),
      message: "unknown key; check its spelling against breakwater.example.yaml",
      position: at(locate(document, [...path, key], "key")),
    }));
  }
  return [{
    key: path.join("."),
    message: issue.message,
    position: at(locate(document, path, "value")),
  }];
}

/** The source offset of the node at `path`, or of the nearest ancestor that exists. */
function locate(document: Document, path: string[], part: "key" | "value"): number | undefined {
  let node: Node | null | undefined = document.contents;
  let offset = node?.range?.[0];
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) =>
        isScalar(item.key) && String(item.key.value) === segment
      );
      if (!pair) return offset;
      const last = index === path.length - 1;
      const keyNode = pair.key as Node;
      node = pair.value as Node | null;
      offset = last && part === "key"
        ? keyNode.range?.[0]
        : (node?.range?.[0] ?? keyNode.range?.[0]);
    } else if (node && "items" in node && Array.isArray(node.items)) {
      node = node.items[Number(segment)] as Node | undefined;
      offset = node?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function toPosition(
  linePos: { line: number; col: number } | undefined,
): SourcePosition | undefined {
  return linePos && { line: linePos.line, column: linePos.col };
}

function resolveStateDir(
  stateDir: string | undefined,
  file: string,
  env: (name: string) => string | undefined,
): string {
  return stateDir === undefined ? defaultStateDir(env) : resolvePath(stateDir, file, env);
}

/** A configured path: `~` is the home folder, a relative one is beside the config file. */
function resolvePath(
  path: string,
  file: string,
  env: (name: string) => string | undefined,
): string {
  const home = env("HOME") ?? env("USERPROFILE");
  const expanded = home && /^~(?=$|[\\/])/.test(path) ? join(home, path.slice(1)) : path;
  return isAbsolute(expanded) ? expanded : resolve(dirname(file), expanded);
}
