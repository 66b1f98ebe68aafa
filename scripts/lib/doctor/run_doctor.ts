import type { Config } from "../config/schema.ts";
import { ConfigError } from "../config/config_error.ts";
import { loadConfig, parseConfigText } from "../config/load_config.ts";
import { Engine } from "../engine/engine.ts";
import { NvidiaSmiReader } from "../gpu/nvidia_smi_reader.ts";
import { NvmlReader } from "../gpu/nvml_reader.ts";
import { probeOnce } from "../probes/probe.ts";
import { engineChecks, gpuChecks, type GpuFacts, probeChecks, wslChecks } from "./checks.ts";
import type { DoctorCheck } from "./doctor_check.ts";
import { checkApiPort, checkStateDir } from "./self_checks.ts";
import { isWslFromFacts, readWslFacts } from "./wsl_facts.ts";

/** Options for {@linkcode runDoctor}. */
export interface RunDoctorOptions {
  configPath?: string;
  /** Where the host's files are: `/`, or a folder holding another system's (WSL facts only). */
  root?: string;
}

/**
 * Looks at everything breakwater depends on, at once, and returns one check per thing. Never
 * throws for what it finds: a broken config, engine or GPU is a failed or warned check.
 */
export async function runDoctor(options: RunDoctorOptions = {}): Promise<DoctorCheck[]> {
  const { config, check: configCheck } = await loadForDoctor(options.configPath);
  const engine = Engine.connect(config.docker.host);
  const wslFacts = await readWslFacts(options.root ?? "/");
  const wsl = isWslFromFacts(wslFacts);
  const [info, gpu, probes, stateDir] = await Promise.all([
    engine.systemInfo().catch((error: Error) => error),
    readGpuFacts(config, wsl),
    Promise.all(config.probes.map(probeOnce)),
    checkStateDir(config.stateDir),
  ]);
  return [
    ...engineChecks(engine.endpoint.address, info),
    ...wslChecks(wslFacts),
    ...gpuChecks(gpu),
    ...probeChecks(probes),
    configCheck,
    stateDir,
    checkApiPort(config.api),
  ];
}

async function loadForDoctor(configPath?: string): Promise<{ config: Config; check: DoctorCheck }> {
  try {
    const { config, path } = await loadConfig({ path: configPath });
    return {
      config,
      check: {
        id: "self.config",
        status: "ok",
        detail: path ? `${path} is valid` : "no config file: defaults",
      },
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      config: parseConfigText("", { file: error.file }),
      check: {
        id: "self.config",
        status: "fail",
        detail: error.message.replaceAll("\n", "; "),
        fix:
          "correct the file (breakwater.example.yaml lists every key); the other checks used defaults",
      },
    };
  }
}

async function readGpuFacts(config: Config, wsl: boolean): Promise<GpuFacts> {
  let nvml: GpuFacts["nvml"];
  try {
    const reader = NvmlReader.open();
    try {
      nvml = {
        path: reader.path,
        driver: reader.driverVersion(),
        gpus: (await reader.read()).length,
      };
    } finally {
      reader.close();
    }
  } catch (error) {
    nvml = error as Error;
  }
  const nvidiaSmi = await new NvidiaSmiReader({ command: config.gpu.nvidiaSmi, perProcess: !wsl })
    .read()
    .then((gpus) => ({ gpus: gpus.length }), (error: Error) => error);
  return { nvml, nvidiaSmi, wsl };
}
