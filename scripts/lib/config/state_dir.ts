import { join } from "node:path";
import { UsageError } from "../usage_error.ts";

/** The per-user directory for breakwater's state and journal on this platform. */
export function defaultStateDir(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
  os: typeof Deno.build.os = Deno.build.os,
): string {
  if (os === "windows") {
    const base = env("LOCALAPPDATA") ?? join(env("USERPROFILE") ?? ".", "AppData", "Local");
    return join(base, "breakwater", "state");
  }
  const home = env("HOME") ?? ".";
  if (os === "darwin") return join(home, "Library", "Application Support", "breakwater");
  return join(env("XDG_STATE_HOME") ?? join(home, ".local", "state"), "breakwater");
}

/**
 * Checks that `stateDir` is a folder or can become one (it is created on first write).
 * @throws {UsageError} when it, or a folder above it, is a file.
 */
export async function checkStateDir(stateDir: string): Promise<void> {
  try {
    if ((await Deno.stat(stateDir)).isDirectory) return;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    if (!(error instanceof Deno.errors.NotADirectory)) throw error;
  }
  throw new UsageError(
    `stateDir ${stateDir} is a file (or lies under one), not a folder; set stateDir in the ` +
      "config to a folder, which is created if missing",
  );
}
