import Docker from "dockerode";
import { Buffer } from "node:buffer";
import tar from "tar-stream";

/** The image every integration test and benchmark runs its containers from. */
export const TEST_IMAGE = "breakwater-test-busybox:latest";

/** Where Debian's `busybox-static` puts its binary. */
const BUSYBOX = "/bin/busybox";

/**
 * Builds {@linkcode TEST_IMAGE} through the engine's API from the host's static busybox
 * (`apt-get install busybox-static`), since no registry can be reached to pull one. Does nothing
 * when the image exists.
 */
export async function ensureTestImage(docker = new Docker()): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [TEST_IMAGE] } });
  if (images.length > 0) return;
  const binary = await Deno.readFile(BUSYBOX).catch(() => {
    throw new Error(
      `${BUSYBOX} not found: install Debian's busybox-static (apt-get install busybox-static)`,
    );
  });
  const applets = new TextDecoder().decode(
    (await new Deno.Command(BUSYBOX, { args: ["--list"] }).output()).stdout,
  ).split("\n").filter((name) => name && name !== "busybox");
  const pack = tar.pack();
  pack.entry({ name: "bin", type: "directory", mode: 0o755 });
  pack.entry({ name: "tmp", type: "directory", mode: 0o1777 });
  pack.entry({ name: "bin/busybox", mode: 0o755, size: binary.length }, Buffer.from(binary));
  for (const applet of applets) {
    pack.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  }
  pack.finalize();
  const [repo, tag] = TEST_IMAGE.split(":");
  const stream = await docker.importImage(pack as unknown as NodeJS.ReadableStream, {
    repo,
    tag,
    changes: ['CMD ["/bin/sh"]', "ENV PATH=/bin"],
  } as Record<string, unknown>);
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output) => error ? reject(error) : resolve(output))
  );
}
