/** Where the cgroup tree and `/proc` are; tests point them at fake trees. */
export interface CgroupRoots {
  cgroup: string;
  proc: string;
}

/** Reads a batch of files at once: their texts by path, those that cannot be read left out. */
export type ReadFiles = (paths: readonly string[]) => Map<string, string>;

/** Kernel pseudo-files (`/proc`, `/sys/fs/cgroup`) and how they can be read from here. */
export interface PseudoFiles {
  roots: CgroupRoots;
  read: ReadFiles;
}

const HOST_ROOTS: CgroupRoots = { cgroup: "/sys/fs/cgroup", proc: "/proc" };

/**
 * Reads each file directly. They are kernel pseudo-files: a read never waits on a disk, so it is
 * synchronous — an async read costs a thread hop per file, several times the read itself.
 */
export const readDirectly: ReadFiles = (paths) => {
  const texts = new Map<string, string>();
  for (const path of paths) {
    try {
      texts.set(path, Deno.readTextFileSync(path));
    } catch {
      // gone, or not this layout: left out
    }
  }
  return texts;
};

/**
 * Reads the whole batch in one `grep -H "" -- paths…` (each line comes back as `path:line`).
 * Deno asks for `--allow-all` to read anything under `/proc` or `/sys`, even with `--allow-read`
 * (denoland/deno#27564); a command that may read every file already gets the same from `grep`,
 * with `run: ["grep"]` in its permission set and nothing more.
 */
export const readThroughGrep: ReadFiles = (paths) => {
  const texts = new Map<string, string>();
  if (paths.length === 0) return texts;
  const wanted = new Set(paths);
  let stdout: Uint8Array;
  try {
    // Exit status 2 when some file is missing: those are simply absent from the output.
    ({ stdout } = new Deno.Command("grep", {
      args: ["-H", "-s", "-e", "", "--", ...wanted],
      stdout: "piped",
      stderr: "null",
    }).outputSync());
  } catch {
    return texts; // no grep to run: every container is read from the engine
  }
  const lines = new Map<string, string[]>();
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const colon = line.indexOf(":");
    const path = line.slice(0, colon);
    if (colon < 0 || !wanted.has(path)) continue;
    const content = line.slice(colon + 1);
    const known = lines.get(path);
    if (known) known.push(content);
    else lines.set(path, [content]);
  }
  for (const [path, content] of lines) texts.set(path, `${content.join("\n")}\n`);
  return texts;
};

let host: PseudoFiles | undefined;

/**
 * How this process reads the host's pseudo-files: directly when Deno lets it, through `grep` when
 * only that is allowed, else not at all (every container is then read from the engine). Decided
 * once: a process's permissions do not change.
 */
export function hostPseudoFiles(): PseudoFiles {
  host ??= { roots: HOST_ROOTS, read: hostReader() };
  return host;
}

function hostReader(): ReadFiles {
  try {
    Deno.readTextFileSync(`${HOST_ROOTS.proc}/stat`);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      const grep = Deno.permissions.querySync({ name: "run", command: "grep" }).state;
      return grep === "granted" ? readThroughGrep : () => new Map();
    }
  }
  return readDirectly;
}
