import { join } from "node:path";
import { parse as parseIni } from "ini";

/** What doctor knows about WSL2 on this machine. */
export interface WslFacts {
  /** `/proc/sys/kernel/osrelease`, or `null` where there is none (not Linux). */
  kernel: string | null;
  /** Whether the Windows driver's library folder `/usr/lib/wsl/lib` exists. */
  wslLib: boolean;
  /** `.wslconfig` files found in the Windows user profiles under `/mnt/c/Users`. */
  wslConfigs: WslConfigFile[];
  /** Whether `/mnt/c/Users` could be read at all. */
  profilesReachable: boolean;
}

/** The settings of one `.wslconfig` that matter to breakwater. */
export interface WslConfigFile {
  path: string;
  memory: string | null;
  processors: string | null;
  swap: string | null;
  /** `nat` (the default) or `mirrored`. */
  networkingMode: string | null;
}

const SYSTEM_PROFILES = new Set(["Public", "Default", "Default User", "All Users", "desktop.ini"]);

/** Reads the WSL2 facts under `root` (`/`, or a folder holding a system's files). */
export async function readWslFacts(root = "/"): Promise<WslFacts> {
  const kernel = await Deno.readTextFile(join(root, "proc/sys/kernel/osrelease")).then(
    (text) => text.trim(),
    () => null,
  );
  const wslLib = await Deno.stat(join(root, "usr/lib/wsl/lib")).then(
    (info) => info.isDirectory,
    () => false,
  );
  const users = join(root, "mnt/c/Users");
  const wslConfigs: WslConfigFile[] = [];
  let profilesReachable = false;
  try {
    for await (const profile of Deno.readDir(users)) {
      profilesReachable = true;
      if (!profile.isDirectory || SYSTEM_PROFILES.has(profile.name)) continue;
      const path = join(users, profile.name, ".wslconfig");
      const text = await Deno.readTextFile(path).catch(() => null);
      if (text !== null) wslConfigs.push({ path, ...parseWslConfig(text) });
    }
  } catch {
    // no Windows drive mounted
  }
  return { kernel, wslLib, wslConfigs, profilesReachable };
}

/** The `[wsl2]` section's `memory`, `processors` and `swap` of a `.wslconfig`. */
export function parseWslConfig(text: string): Omit<WslConfigFile, "path"> {
  const section = (parseIni(text).wsl2 ?? {}) as Record<string, unknown>;
  const value = (key: string) => section[key] === undefined ? null : String(section[key]);
  return {
    memory: value("memory"),
    processors: value("processors"),
    swap: value("swap"),
    networkingMode: value("networkingMode"),
  };
}

/** Whether the facts say this is WSL2. */
export function isWslFromFacts(facts: WslFacts): boolean {
  return (facts.kernel !== null && /microsoft|wsl/i.test(facts.kernel)) || facts.wslLib;
}
