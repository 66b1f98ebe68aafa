/**
 * `deno task doctor`: each thing breakwater depends on, ok / warn / fail, with a one-line fix.
 * @module
 */
import { runCommand, TABLE_OPTIONS, WIDE_USAGE } from "./lib/cli/command.ts";
import { UsageError } from "./lib/usage_error.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { formatTable } from "./lib/text/table.ts";
import { tableWidth } from "./lib/cli/table_width.ts";
import { runDoctor } from "./lib/doctor/run_doctor.ts";

await runCommand({
  usage: `Usage: deno task doctor [--json] [--wide] [--config PATH] [--root DIR]

Checks the Docker engine (reachable, version, cgroups, storage, NVIDIA runtime or CDI), WSL2 (kernel,
/usr/lib/wsl/lib, .wslconfig memory/processors/swap), the NVIDIA stack (NVML, nvidia-smi, whether
per-process GPU memory is available), the configured probes, and breakwater itself (config valid,
state directory writable, API port free). Each check is ok, warn or fail, with a one-line fix.

  --json          print {"checks": [...], "summary"}
${WIDE_USAGE}
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)
  --root DIR      read WSL facts from a folder holding another system's files instead of /

Exit status: 0 nothing failed, 1 a check failed, 2 could not run.`,
  options: { ...TABLE_OPTIONS, root: { type: "string" } },
  async run(values) {
    if (values.root !== undefined) {
      const root = await Deno.stat(values.root).catch(() => null);
      if (!root?.isDirectory) {
        throw new UsageError(
          `--root ${values.root}: no such folder (it should hold a system's files)`,
        );
      }
    }
    const checks = await runDoctor({ configPath: values.config, root: values.root });
    const count = (status: string) => checks.filter((check) => check.status === status).length;
    const summary = { ok: count("ok"), warn: count("warn"), fail: count("fail") };
    if (values.json) {
      console.log(JSON.stringify({ checks, summary }, null, 2));
    } else {
      console.log(formatTable(
        ["STATUS", "CHECK", "FOUND", "FIX"],
        checks.map((
          check,
        ) => [check.status.toUpperCase(), check.id, check.detail, check.fix ?? ""]),
        tableWidth(values.wide),
      ));
      console.log(`\n${summary.ok} ok, ${summary.warn} warning(s), ${summary.fail} failed`);
    }
    return summary.fail > 0 ? ExitCode.Problems : ExitCode.Ok;
  },
});
