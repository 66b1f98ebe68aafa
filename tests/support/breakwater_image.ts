import Docker from "dockerode";
import { Buffer } from "node:buffer";
import { dirname, join, relative } from "node:path";
import tar from "tar-stream";

const ROOT = new URL("../../", import.meta.url).pathname;
const DOCKERFILE = "compose/breakwater/Dockerfile";

/** The Deno release the image is pinned to (the Dockerfile's `ARG DENO_VERSION`). */
export function pinnedDenoVersion(): string {
  const text = Deno.readTextFileSync(join(ROOT, DOCKERFILE));
  return /^ARG DENO_VERSION=(\S+)$/m.exec(text)![1];
}

async function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output) => {
      const failed = (output as { error?: string }[] | undefined)?.find((line) => line.error);
      if (error || failed) reject(error ?? new Error(failed!.error));
      else resolve(output);
    })
  );
}

/** The shared libraries a binary loads, as ldd lists them (the loader included). */
async function sharedLibraries(binary: string): Promise<string[]> {
  const out = new TextDecoder().decode(
    (await new Deno.Command("ldd", { args: [binary] }).output()).stdout,
  );
  return [...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((match) => match[1]);
}

/**
 * A base image holding this machine's Deno (the pinned release) with the libraries it loads and a
 * busybox shell, imported through the engine's API: the official `denoland/deno` image cannot be
 * pulled here, and the project's Dockerfile builds on this one the same way (`--build-arg BASE`).
 */
export async function ensureDenoBaseImage(docker: Docker): Promise<string> {
  const tag = `breakwater-test-deno:${Deno.version.deno}`;
  if ((await docker.listImages({ filters: { reference: [tag] } })).length > 0) return tag;
  const deno = Deno.execPath();
  const pack = tar.pack();
  const directories = new Set<string>();
  const add = async (from: string, to: string) => {
    for (let dir = dirname(to); dir !== "." && dir !== "/"; dir = dirname(dir)) {
      directories.add(dir);
    }
    const bytes = await Deno.readFile(from);
    pack.entry(
      { name: to.replace(/^\//, ""), mode: 0o755, size: bytes.length },
      Buffer.from(bytes),
    );
  };
  for (const library of await sharedLibraries(deno)) {
    await add(await Deno.realPath(library), library);
  }
  await add(deno, "/bin/deno");
  await add("/bin/busybox", "/bin/busybox");
  for (const applet of ["sh", "ls", "cat"]) {
    pack.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  }
  pack.entry({ name: "tmp", type: "directory", mode: 0o1777 });
  for (const dir of directories) pack.entry({ name: dir.replace(/^\//, ""), type: "directory" });
  pack.finalize();
  const [repo, version] = tag.split(":");
  await follow(
    docker,
    await docker.importImage(pack as unknown as NodeJS.ReadableStream, {
      repo,
      tag: version,
      changes: ["ENV PATH=/bin"],
    } as Record<string, unknown>),
  );
  return tag;
}

/** Every file of the build context the repository's `.dockerignore` lets in. */
async function contextFiles(): Promise<string[]> {
  const files = ["deno.json", "deno.lock", "compose/breakwater.container.yaml", DOCKERFILE];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(join(ROOT, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (!/(_test\.ts|\/_test_[^/]*\.ts)$/.test(path)) files.push(path);
    }
  };
  await walk("scripts");
  return files;
}

/** Builds compose/breakwater/Dockerfile on `base` through the engine's API; returns the tag. */
export async function buildBreakwaterImage(docker: Docker, base: string): Promise<string> {
  const tag = "breakwater:test";
  const pack = tar.pack();
  for (const file of await contextFiles()) {
    const bytes = await Deno.readFile(join(ROOT, file));
    pack.entry({ name: relative(".", file), size: bytes.length }, Buffer.from(bytes));
  }
  pack.finalize();
  await follow(
    docker,
    await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
      t: tag,
      dockerfile: DOCKERFILE,
      buildargs: { BASE: base },
      rm: true,
      forcerm: true,
    }),
  );
  return tag;
}
