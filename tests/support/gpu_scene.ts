import { TestContainers } from "./containers.ts";
import { createWorkspace, Daemon, type Workspace } from "./daemon.ts";
import { FakeGpu } from "./fake_gpu.ts";

/** What a GPU end-to-end test works with. */
export interface GpuScene {
  containers: TestContainers;
  workspace: Workspace;
  gpu: FakeGpu;
  /** Starts `deno task watch` with the nvidia-smi stand-in on its PATH; stopped after the test. */
  startDaemon(): Promise<Daemon>;
}

/** Runs `body` with its own containers, config, stand-in GPU and daemons, and removes them all after. */
export async function withGpuScene(
  configYaml: string,
  body: (scene: GpuScene) => Promise<void>,
): Promise<void> {
  const containers = new TestContainers();
  const workspace = await createWorkspace(configYaml);
  const gpu = await FakeGpu.create();
  const daemons: Daemon[] = [];
  try {
    await body({
      containers,
      workspace,
      gpu,
      startDaemon: async () => {
        const daemon = await Daemon.start(["--config", workspace.configPath], gpu.env);
        daemons.push(daemon);
        return daemon;
      },
    });
  } finally {
    for (const daemon of daemons) await daemon.stop();
    await containers.removeAll();
    await workspace.remove();
    await gpu.remove();
  }
}
