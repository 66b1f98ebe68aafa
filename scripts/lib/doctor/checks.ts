import type { EngineSystemInfo } from "../engine/engine.ts";
import type { ProbeResult } from "../probes/probe.ts";
import type { DoctorCheck } from "./doctor_check.ts";
import { isWslFromFacts, type WslFacts } from "./wsl_facts.ts";

/** The engine's checks, from its system info, or from the error reaching it. Pure. */
export function engineChecks(address: string, info: EngineSystemInfo | Error): DoctorCheck[] {
  if (info instanceof Error) {
    return [{
      id: "engine.reachable",
      status: "fail",
      detail: info.message,
      fix: "start Docker (Docker Desktop, or sudo systemctl start docker), or set DOCKER_HOST",
    }];
  }
  const gpuRuntime = info.runtimes.includes("nvidia") || info.cdiSpecDirs.length > 0;
  return [
    { id: "engine.reachable", status: "ok", detail: `${address} answers` },
    {
      id: "engine.version",
      status: "ok",
      detail: `Docker ${info.version} on ${info.operatingSystem}`,
    },
    {
      id: "engine.cgroup",
      status: "ok",
      detail: `cgroup v${info.cgroupVersion} (${info.cgroupDriver} driver)`,
    },
    {
      id: "engine.storage",
      status: "ok",
      detail: `${info.storageDriver} storage, data root ${info.dockerRootDir}`,
    },
    gpuRuntime
      ? {
        id: "engine.gpu-runtime",
        status: "ok",
        detail: info.runtimes.includes("nvidia")
          ? "NVIDIA runtime configured"
          : `CDI specs in ${info.cdiSpecDirs.join(", ")}`,
      }
      : {
        id: "engine.gpu-runtime",
        status: "warn",
        detail: `no NVIDIA runtime or CDI configured (runtimes: ${info.runtimes.join(", ")})`,
        fix:
          "install nvidia-container-toolkit and run: sudo nvidia-ctk runtime configure --runtime=docker",
      },
  ];
}

/** WSL2 and `.wslconfig` checks. Pure. */
export function wslChecks(facts: WslFacts): DoctorCheck[] {
  const kernel = facts.kernel ?? "unknown kernel";
  if (!isWslFromFacts(facts)) {
    return [{ id: "wsl.detected", status: "ok", detail: `not WSL2 (kernel ${kernel})` }];
  }
  const detected: DoctorCheck = {
    id: "wsl.detected",
    status: "ok",
    detail: `WSL2 (kernel ${kernel}${facts.wslLib ? ", /usr/lib/wsl/lib present" : ""})`,
  };
  if (facts.wslConfigs.length === 0) {
    return [detected, {
      id: "wsl.config",
      status: "warn",
      detail: facts.profilesReachable
        ? "no .wslconfig in the Windows user profiles: WSL2 takes half the RAM and all processors"
        : "Windows user profiles not reachable under /mnt/c/Users",
      fix:
        "create %UserProfile%\\.wslconfig with [wsl2] memory=…, processors=…, swap=…; then wsl --shutdown",
    }];
  }
  return [
    detected,
    ...facts.wslConfigs.map((file): DoctorCheck => {
      const show = (value: string | null, fallback: string) => value ?? `unset (${fallback})`;
      const missing = [file.memory, file.processors].some((value) => value === null);
      return {
        id: "wsl.config",
        status: missing ? "warn" : "ok",
        detail: `${file.path}: memory=${show(file.memory, "half the RAM")}, processors=${
          show(file.processors, "all")
        }, swap=${show(file.swap, "a quarter of the RAM")}`,
        ...(missing
          ? {
            fix:
              "set memory= and processors= under [wsl2], so WSL2 leaves Windows room; then wsl --shutdown",
          }
          : {}),
      };
    }),
  ];
}

/** What the GPU probes found. */
export interface GpuFacts {
  nvml: { path: string; driver: string; gpus: number } | Error;
  nvidiaSmi: { gpus: number } | Error;
  wsl: boolean;
}

/** NVML, nvidia-smi and per-process memory checks. Pure. */
export function gpuChecks(facts: GpuFacts): DoctorCheck[] {
  const nvml: DoctorCheck = facts.nvml instanceof Error
    ? {
      id: "gpu.nvml",
      status: "warn",
      detail: facts.nvml.message,
      fix: "no GPU here is fine: the GPU watchdog stays off; with one, install the NVIDIA driver",
    }
    : {
      id: "gpu.nvml",
      status: "ok",
      detail: `${facts.nvml.path}, driver ${facts.nvml.driver}, ${facts.nvml.gpus} GPU(s)`,
    };
  const smi: DoctorCheck = facts.nvidiaSmi instanceof Error
    ? {
      id: "gpu.nvidia-smi",
      status: "warn",
      detail: facts.nvidiaSmi.message,
      fix: "install the NVIDIA driver's utilities, or rely on NVML",
    }
    : { id: "gpu.nvidia-smi", status: "ok", detail: `answers, ${facts.nvidiaSmi.gpus} GPU(s)` };
  const anyReader = !(facts.nvml instanceof Error) || !(facts.nvidiaSmi instanceof Error);
  const perProcess: DoctorCheck = facts.wsl
    ? {
      id: "gpu.per-process",
      status: "warn",
      detail:
        "WSL2 (WDDM) gives no per-process GPU memory: VRAM cannot be attributed to containers",
      fix: "label the model server breakwater.gpu-owner=true and helpers breakwater.gpu-noisy=true",
    }
    : anyReader
    ? { id: "gpu.per-process", status: "ok", detail: "per-process GPU memory available" }
    : {
      id: "gpu.per-process",
      status: "warn",
      detail: "unknown: no GPU reader works here",
      fix: "see gpu.nvml and gpu.nvidia-smi",
    };
  return [nvml, smi, perProcess];
}

/** One check per configured probe. Pure. */
export function probeChecks(results: readonly ProbeResult[]): DoctorCheck[] {
  return results.map((result): DoctorCheck => {
    const id = `probe.${result.name}`;
    if (result.up) {
      return {
        id,
        status: "ok",
        detail: `${result.url} answered ${result.status} in ${result.latencyMs} ms`,
      };
    }
    return {
      id,
      status: "warn",
      detail: result.status !== undefined
        ? `${result.url} answered ${result.status}`
        : `${result.url} did not answer: ${result.error}`,
      fix: `start ${result.name}, or correct its url under probes: in breakwater.yaml`,
    };
  });
}
