import { join } from "node:path";

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
