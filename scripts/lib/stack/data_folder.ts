/** A data folder as found: absent, or its kind, owner and mode. */
export type FolderFacts =
  | { exists: false }
  | {
    exists: true;
    isDirectory: boolean;
    uid: number | null;
    mode: number | null;
    /** Its first entries' owners (up to {@linkcode ENTRIES_LOOKED_AT}), by name. */
    entryOwners: Record<string, number | null>;
  };

/** How many entries of a data folder are looked at: the top of what an earlier stack wrote. */
export const ENTRIES_LOOKED_AT = 64;

/** Reads what {@linkcode judgeDataFolder} needs. */
export async function readDataFolder(path: string): Promise<FolderFacts> {
  try {
    const info = await Deno.stat(path);
    const entryOwners: Record<string, number | null> = {};
    try {
      if (info.isDirectory) {
        for await (const entry of Deno.readDir(path)) {
          entryOwners[entry.name] = (await Deno.lstat(`${path}/${entry.name}`)).uid;
          if (Object.keys(entryOwners).length >= ENTRIES_LOOKED_AT) break;
        }
      }
    } catch (error) {
      // A folder the user cannot list is judged by its owner and mode alone.
      if (!(error instanceof Deno.errors.PermissionDenied)) throw error;
    }
    return {
      exists: true,
      isDirectory: info.isDirectory,
      uid: info.uid,
      mode: info.mode,
      entryOwners,
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { exists: false };
    throw error;
  }
}

/** Whether a data folder can be used by the services running as the user. */
export type FolderVerdict =
  | { status: "missing" }
  | { status: "usable" }
  | { status: "unusable"; why: string };

/**
 * A data folder is usable when it is a folder the user owns and may write: the services run as
 * the user. One owned by another user (such as an earlier stack's, written as the images' own
 * users: 65534 for Prometheus, 472 for Grafana, root for Ollama) says how to take it back. Pure.
 */
export function judgeDataFolder(
  facts: FolderFacts,
  user: { uid: number; gid: number },
): FolderVerdict {
  if (!facts.exists) return { status: "missing" };
  if (!facts.isDirectory) return { status: "unusable", why: "not a folder: move it away" };
  const takeBack = `the services run as you. Take it back with sudo chown -R ${user.uid}:` +
    `${user.gid} on it, then deno task up`;
  if (facts.uid !== null && facts.uid !== user.uid) {
    return {
      status: "unusable",
      why: `owned by uid ${facts.uid}, not you (${user.uid}): ${takeBack}`,
    };
  }
  const foreign = Object.entries(facts.entryOwners)
    .filter(([, uid]) => uid !== null && uid !== user.uid);
  if (foreign.length > 0) {
    const [name, uid] = foreign[0];
    return {
      status: "unusable",
      why: `${name} in it is owned by uid ${uid}, not you (${user.uid}${
        foreign.length > 1 ? `; ${foreign.length - 1} more` : ""
      }): ${takeBack}`,
    };
  }
  if (facts.mode !== null && (facts.mode & 0o700) !== 0o700) {
    return { status: "unusable", why: "you cannot read, write or enter it: chmod u+rwx it" };
  }
  return { status: "usable" };
}
