import assert from "node:assert/strict";
import { parse } from "yaml";
import { TestContainers } from "../support/containers.ts";

const compose = parse(
  Deno.readTextFileSync(new URL("../../compose/compose.yaml", import.meta.url)),
) as { services: Record<string, { volumes?: string[] }> };

/** The host bind compose would pass for node-exporter's root filesystem. */
const nodeExporterRootBind = compose.services["node-exporter"].volumes!.find((volume) =>
  volume.startsWith("/:")
)!;

/** Creates and starts a container with one bind; the engine's refusal, if any, as text. */
async function startWithBind(containers: TestContainers, suffix: string, bind: string) {
  try {
    const container = await containers.create(suffix, {
      health: "none",
      hostConfig: { Binds: [bind] },
    });
    return { container, refusal: null };
  } catch (error) {
    return { container: null, refusal: String(error) };
  }
}

Deno.test({
  name: "compose: node-exporter's root mount starts on an engine whose / is a private mount",
  async fn() {
    const containers = new TestContainers();
    try {
      const rootMount = Deno.readTextFileSync("/proc/self/mountinfo").split("\n")
        .find((line) => line.split(" ")[4] === "/");
      const rootIsPrivate = !/ shared:| master:/.test(rootMount ?? "");
      const shipped = await startWithBind(containers, "rootfs", nodeExporterRootBind);
      assert.equal(shipped.refusal, null, `${nodeExporterRootBind} was refused`);
      const info = await shipped.container!.inspect();
      assert.equal(info.State.Running, true);
      const mount = info.Mounts.find((each) => each.Destination === "/host");
      assert.equal(mount?.Source, "/");
      assert.equal(mount?.RW, false);
      if (rootIsPrivate) {
        // What the file used to say: this engine refuses it, so the check above means something.
        const rslave = await startWithBind(containers, "rslave", "/:/host:ro,rslave");
        assert.match(rslave.refusal ?? "", /not a shared or slave mount/);
      }
    } finally {
      await containers.removeAll();
    }
  },
});
