/**
 * `deno task gpu`: the current GPU readings and the VRAM each container holds, as a table or
 * `--json`.
 * @module
 */
import { COMMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { parseSourceChoice } from "./lib/cli/source_option.ts";
import { formatBytes, formatTable } from "./lib/text/table.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { Engine } from "./lib/engine/engine.ts";
import { memoryUsedPercent } from "./lib/gpu/gpu_reading.ts";
import { observeGpu } from "./lib/gpu/observe_gpu.ts";
import { readerSettingsFor, selectGpuReader } from "./lib/gpu/select_reader.ts";
import { isGpuNoisy, isGpuOwner } from "./lib/selection/container_roles.ts";

await runCommand({
  usage: `Usage: deno task gpu [--source S] [--json] [--config PATH]

Reads every GPU once: VRAM, utilization, temperature, power, and the VRAM each container's
processes hold (where the platform gives per-process memory; not under WSL2).

  --source S      auto (NVML, then nvidia-smi), nvml, nvidia-smi or dcgm (default: gpu.source)
  --json          print {source, reason, gpus, attribution, owners, noisy}
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)

Exit status: 0 read, 2 no GPU reader or the reading failed.`,
  options: { ...COMMON_OPTIONS, source: { type: "string" } },
  async run(values) {
    const { config } = await loadConfig({ path: values.config });
    const choice = await selectGpuReader(
      readerSettingsFor(config.gpu, parseSourceChoice(values.source)),
    );
    // --json always prints JSON: a script reading it learns there is no GPU reading, and why.
    const cannotRead = (message: string, source: string | null, error?: string) => {
      if (values.json) {
        console.log(JSON.stringify({ source, reason: choice.reason, gpus: [], error }, null, 2));
      } else console.error(`breakwater: ${message}`);
      return ExitCode.CouldNotRun;
    };
    if (!choice.reader) return cannotRead(choice.reason, null);
    try {
      const engine = Engine.connect(config.docker.host);
      const { sample, attribution, containers } = await observeGpu({
        reader: choice.reader,
        listContainers: () => engine.list(),
        ollama: null,
      });
      if (!sample.ok) {
        return cannotRead(`GPU reading failed: ${sample.error}`, sample.source, sample.error);
      }
      const owners = containers.filter((c) => isGpuOwner(c, config.gpu.owner)).map((c) => c.name);
      const noisy = containers.filter((c) => isGpuNoisy(c, config.gpu.noisy)).map((c) => c.name);
      if (values.json) {
        console.log(JSON.stringify(
          {
            source: sample.source,
            reason: choice.reason,
            gpus: sample.gpus,
            attribution,
            owners,
            noisy,
          },
          null,
          2,
        ));
        return ExitCode.Ok;
      }
      console.log(`source: ${choice.reason}\n`);
      const na = (value: number | null, unit: string, digits = 0) =>
        value === null ? "-" : `${value.toFixed(digits)}${unit}`;
      console.log(formatTable(
        [
          "GPU",
          "NAME",
          "VRAM USED / TOTAL",
          "VRAM %",
          "UTIL %",
          "TEMP",
          "POWER / LIMIT",
          "PROCESSES",
        ],
        sample.gpus.map((gpu) => [
          String(gpu.index),
          gpu.name,
          `${gpu.memoryUsedBytes === null ? "-" : formatBytes(gpu.memoryUsedBytes)} / ${
            gpu.memoryTotalBytes === null ? "-" : formatBytes(gpu.memoryTotalBytes)
          }`,
          na(memoryUsedPercent(gpu), "", 1),
          na(gpu.utilizationPercent, ""),
          na(gpu.temperatureCelsius, "°C"),
          `${na(gpu.powerWatts, "W", 1)} / ${na(gpu.powerLimitWatts, "W")}`,
          gpu.processes === null ? "n/a" : String(gpu.processes.length),
        ]),
      ));
      console.log();
      if (attribution?.available) {
        const rows = Object.entries(attribution.byContainer).sort((a, b) => b[1] - a[1]);
        console.log(formatTable(
          ["CONTAINER", "VRAM", "ROLE"],
          [
            ...rows.map(([name, bytes]) => [
              name,
              formatBytes(bytes),
              owners.includes(name) ? "owner" : noisy.includes(name) ? "noisy" : "",
            ]),
            ["(not in a container)", formatBytes(attribution.unattributedBytes), ""],
          ],
        ));
      } else {
        console.log(
          "Per-process GPU memory is not available here (WSL2/WDDM or dcgm-exporter): VRAM cannot be " +
            "attributed to containers; the watchdog goes by labels.",
        );
      }
      console.log(
        `\nGPU owner: ${owners.join(", ") || "none"} · GPU-noisy: ${noisy.join(", ") || "none"}`,
      );
      return ExitCode.Ok;
    } finally {
      choice.reader.close();
    }
  },
});
