/** How a program ended: its exit code, and its output when it was captured. */
export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@linkcode RunProgram}. */
export interface ProgramOptions {
  cwd: string;
  /** Variables added to the inherited environment. */
  env?: Record<string, string>;
  /** `capture` returns stdout and stderr; `show` passes them through to the user. */
  output: "capture" | "show";
}

/** Runs a program to its end; a program that is not installed ends with code 127. */
export type RunProgram = (
  command: string,
  args: readonly string[],
  options: ProgramOptions,
) => Promise<ProgramResult>;

/** {@linkcode RunProgram} with `Deno.Command`; shown output goes to stderr, keeping stdout for `--json`. */
export const runProgram: RunProgram = async (command, args, options) => {
  const capture = options.output === "capture";
  try {
    const child = new Deno.Command(command, {
      args: [...args],
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: capture ? "piped" : "inherit",
    }).spawn();
    if (capture) {
      const output = await child.output();
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
    }
    await child.stdout.pipeTo(Deno.stderr.writable, { preventClose: true });
    return { code: (await child.status).code, stdout: "", stderr: "" };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${command}: not found` };
    }
    throw error;
  }
};
