/**
 * `deno task audit`: checks that the single-GPU-owner architecture is in place, on the running
 * containers or (with `--compose FILE`) on a Compose file before anything runs.
 * @module
 */
import { UsageError } from "./lib/usage_error.ts";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  audit,
  type AuditSubject,
  formatFindings,
  readIoWeightSupport,
  readMountDisks,
  subjectFromInspect,
  subjectsFromCompose,
  summarizeFindings,
} from "./lib/audit/mod.ts";
import { runCommand, TABLE_OPTIONS, WIDE_USAGE } from "./lib/cli/command.ts";
import { tableWidth } from "./lib/cli/table_width.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { Engine } from "./lib/engine/engine.ts";

await runCommand({
  usage: `Usage: deno task audit [--compose FILE] [--json] [--wide] [--config PATH]

Checks the architecture breakwater relies on: exactly one container with GPU access, marked as the
GPU owner; CPU and memory limits on every other container; memory-swap no larger than memory; a
healthcheck and a restart policy; heavy volumes off the system disk; whether I/O weights can work.
Each finding names the exact flag or Compose key that fixes it. audit.waive in the config waives a
rule for a named container (shown as waived).

  --compose FILE  check a Compose file instead of the running containers; - reads the stack as
                  Compose resolves it (.env, variables, every file) from stdin:
                  docker compose config | deno task audit --compose -
  --json          print {"mode", "findings": [...], "summary"}
${WIDE_USAGE}
  -c, --config    config file (default: ./breakwater.yaml, or BREAKWATER_CONFIG)

Exit status: 0 no errors, 1 errors found, 2 could not run.`,
  options: { ...TABLE_OPTIONS, compose: { type: "string" } },
  async run(values) {
    const { config } = await loadConfig({ path: values.config });
    let subjects: AuditSubject[];
    let warnings: string[] = [];
    if (values.compose) {
      subjects = await composeSubjects(values.compose);
    } else {
      const engine = Engine.connect(config.docker.host);
      const [answers, info] = await Promise.all([
        engine.inspectAll(config.docker.concurrency),
        engine.systemInfo(),
      ]);
      subjects = answers.map(subjectFromInspect);
      warnings = info.warnings;
    }
    const withDisks = await readMountDisks(subjects);
    const host = values.compose ? null : await readIoWeightSupport(warnings);
    const findings = audit(withDisks, host, {
      ownerPatterns: config.gpu.owner,
      waivers: config.audit.waive,
    });
    const summary = summarizeFindings(findings);
    const mode = values.compose ? "compose" : "live";
    console.log(
      values.json
        ? JSON.stringify({ mode, findings, summary }, null, 2)
        : formatFindings(findings, tableWidth(values.wide)),
    );
    return summary.error > 0 ? ExitCode.Problems : ExitCode.Ok;
  },
});

/**
 * The services of a Compose file, or of Compose's own rendering of the stack on stdin (`-`). A file
 * with `${…}` is refused: only Compose resolves its variables as Compose does.
 */
async function composeSubjects(source: string): Promise<AuditSubject[]> {
  const fromStdin = source === "-";
  const name = fromStdin ? "the Compose configuration on stdin" : resolve(source);
  const text = fromStdin
    ? await new Response(Deno.stdin.readable).text()
    : await Deno.readTextFile(name).catch((error) => {
      throw new UsageError(`cannot read the Compose file ${name}: ${(error as Error).message}`);
    });
  if (!fromStdin && /\$\{[^}]*\}|\$[A-Za-z_]/.test(text.replaceAll("$$", ""))) {
    throw new UsageError(
      `${name} uses variables (\${…}), which only Compose resolves as Compose does: audit what it ` +
        `makes of them with: cd ${dirname(name)} && docker compose config | deno task audit ` +
        "--compose - (deno task up shows the same findings)",
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { merge: true });
  } catch (error) {
    throw new UsageError(`${name}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return subjectsFromCompose(parsed, fromStdin ? Deno.cwd() : dirname(name));
}
