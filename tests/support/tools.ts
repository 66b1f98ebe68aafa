/**
 * Whether `command` runs here. A test that needs a tool checks this and is ignored, with the
 * reason in its name, where the tool is missing: never passed without running.
 */
export function hasTool(command: string, args: string[] = ["--version"]): boolean {
  try {
    return new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/** A test's name, marked with why it is ignored when `tool` is missing. */
export function needing(tool: string, name: string): { name: string; ignore: boolean } {
  const missing = !hasTool(tool);
  return { name: missing ? `${name} — ignored: ${tool} is not installed` : name, ignore: missing };
}
