import { join } from "node:path";

/** When the plugin was last built and its sources last changed. */
export interface PluginTimes {
  /** `dist/plugin.json`'s modification time, ms; null when never built. */
  builtAt: number | null;
  /** The newest modification time among `src/` and the build's own files, ms. */
  sourcesChangedAt: number;
  /** Whether its npm packages are installed. */
  nodeModules: boolean;
}

/** Whether `plugin/dist` is missing or older than what it is built from. Pure. */
export function pluginNeedsBuild(times: PluginTimes): boolean {
  return times.builtAt === null || times.builtAt < times.sourcesChangedAt;
}

const BUILD_FILES = ["package.json", "package-lock.json", "tsconfig.json", ".config"];

/** Reads the plugin folder's times. */
export async function readPluginTimes(pluginDir: string): Promise<PluginTimes> {
  const mtime = (path: string) =>
    Deno.stat(path).then((info) => info.mtime?.getTime() ?? 0, () => null);
  let newest = 0;
  const walk = async (path: string): Promise<void> => {
    const info = await Deno.stat(path).catch(() => null);
    if (!info) return;
    if (info.isDirectory) {
      for await (const entry of Deno.readDir(path)) await walk(join(path, entry.name));
    } else newest = Math.max(newest, info.mtime?.getTime() ?? 0);
  };
  for (const name of ["src", ...BUILD_FILES]) await walk(join(pluginDir, name));
  return {
    builtAt: await mtime(join(pluginDir, "dist", "plugin.json")),
    sourcesChangedAt: newest,
    nodeModules: (await mtime(join(pluginDir, "node_modules"))) !== null,
  };
}
