import { dirname } from "node:path";
import { UsageError } from "../usage_error.ts";
import { pathExistsSync } from "../path_exists.ts";

/**
 * A path as Windows programs open it. On Windows, the path itself. Under WSL2, what `wslpath -w`
 * makes of it (`/mnt/c/…` → `C:\…`, a path inside the distribution → `\\wsl.localhost\<distro>\…`),
 * asked of the deepest folder that exists, since wslpath refuses a path that does not.
 */
export async function windowsPathOf(
  path: string,
  os: typeof Deno.build.os = Deno.build.os,
): Promise<string> {
  if (os === "windows") return path;
  let existing = path;
  while (!pathExistsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const rest = path.slice(existing.length).split("/").filter(Boolean);
  const output = await new Deno.Command("wslpath", {
    args: ["-w", existing],
    stdout: "piped",
    stderr: "piped",
  }).output().catch((error) => {
    if (error instanceof Deno.errors.NotFound) {
      throw new UsageError("wslpath not found: run this inside WSL2, or on Windows itself");
    }
    throw error;
  });
  if (!output.success) {
    throw new UsageError(
      `wslpath -w ${existing} failed: ${new TextDecoder().decode(output.stderr).trim()}`,
    );
  }
  const converted = new TextDecoder().decode(output.stdout).trim().replace(/\\$/, "");
  return [converted, ...rest].join("\\");
}
