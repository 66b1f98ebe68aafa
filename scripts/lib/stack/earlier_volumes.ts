import { join } from "node:path";

/**
 * The Docker-managed volumes an earlier stack kept state in, which the stack now keeps in data
 * folders of the user's, and where each one's content belongs now.
 */
const MOVED: Record<string, { key: string; inside: string }> = {
  "openclaw-state": { key: "OPENCLAW_DIR", inside: ".openclaw" },
  "alertmanager-data": { key: "ALERTMANAGER_DIR", inside: "" },
};

/** An earlier volume still on the engine, and the command that carries its content over. */
export interface EarlierVolume {
  volume: string;
  folder: string;
  command: string;
}

/**
 * The earlier stack's volumes (`<project>_openclaw-state`, `<project>_alertmanager-data`) still
 * on the engine, each with the one command that copies its content into the data folder that
 * replaces it, owned by the user. Nothing is copied or removed by breakwater: the volume stays
 * until the user removes it. Pure.
 */
export function earlierVolumes(
  volumeNames: readonly string[],
  projects: readonly string[],
  folders: Readonly<Record<string, string | undefined>>,
  user: string,
): EarlierVolume[] {
  return projects.flatMap((project) =>
    Object.entries(MOVED).flatMap(([suffix, { key, inside }]) => {
      const volume = `${project}_${suffix}`;
      const base = folders[key];
      if (!base || !volumeNames.includes(volume)) return [];
      const folder = inside ? join(base, inside) : base;
      return [{
        volume,
        folder,
        command: `docker run --rm -v ${volume}:/from:ro -v ${folder}:/to busybox sh -c ` +
          `'cp -a /from/. /to/ && chown -R ${user} /to'`,
      }];
    })
  );
}
