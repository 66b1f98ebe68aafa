import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../config/config_error.ts";
import { EngineUnreachableError } from "../engine/errors.ts";
import { ExitCode } from "./exit_code.ts";
import { UsageError } from "../usage_error.ts";

/** The flags every command takes. */
export const COMMON_OPTIONS = {
  config: { type: "string", short: "c" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

/** The flags of commands that print a table. */
export const TABLE_OPTIONS = {
  ...COMMON_OPTIONS,
  wide: { type: "boolean", default: false },
} as const satisfies ParseArgsConfig["options"];

/** Usage text for `--wide`. */
export const WIDE_USAGE = "  --wide          do not cut cells to the terminal's width";

/** The flags every command that runs breakwater's loops takes. */
export const DAEMON_OPTIONS = {
  ...COMMON_OPTIONS,
  "dry-run": { type: "boolean", default: false },
  verbose: { type: "boolean", short: "v", default: false },
} as const satisfies ParseArgsConfig["options"];

/** A command's description for `--help` and its body. */
export interface CommandDefinition<Options extends ParseArgsConfig["options"]> {
  usage: string;
  options: Options;
  /** The words it takes besides flags, for the error about one too many (none by default). */
  positionals?: string[];
  run: (
    values: ReturnType<typeof parseArgs<{ options: Options; args: string[]; strict: true }>>[
      "values"
    ],
    positionals: string[],
  ) => Promise<number>;
}

/**
 * Parses arguments, runs the command and exits with its status. Known failures (bad arguments,
 * bad config, engine unreachable) print one clear message and exit 2.
 */
export async function runCommand<Options extends ParseArgsConfig["options"]>(
  definition: CommandDefinition<Options>,
  args: string[] = Deno.args,
): Promise<never> {
  let code: number;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: definition.options,
      strict: true,
      allowPositionals: true,
    });
    if ((values as { help?: boolean }).help) {
      console.log(definition.usage);
      Deno.exit(ExitCode.Ok);
    }
    const allowed = definition.positionals ?? [];
    if (positionals.length > allowed.length) {
      throw new UsageError(
        `unexpected argument "${positionals[allowed.length]}"` +
          (allowed.length > 0 ? ` (it takes ${allowed.join(" ")})` : "") + "; see --help",
      );
    }
    code = await definition.run(values as never, positionals);
  } catch (error) {
    code = ExitCode.CouldNotRun;
    if (error instanceof ConfigError) {
      console.error(`breakwater: invalid config\n${error.message}`);
    } else if (error instanceof EngineUnreachableError || error instanceof UsageError) {
      console.error(`breakwater: ${error.message}`);
    } else if (error instanceof TypeError && "code" in error) {
      // node:util parseArgs: an unknown flag, or a flag without its value.
      console.error(`breakwater: ${error.message.split(/\.\s/)[0]}; see --help`);
    } else {
      console.error(`breakwater: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  Deno.exit(code);
}
