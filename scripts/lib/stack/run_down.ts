import type { Engine } from "../engine/engine.ts";
import { Compose, composeEnvironment, composeName, findCompose } from "./compose_cli.ts";
import type { RunProgram } from "./program.ts";
import { readStackContainers } from "./stack_containers.ts";
import type { StackLayout } from "./stack_layout.ts";
import type { StepReporter } from "./step_reporter.ts";

/** Options for {@linkcode runDown}. */
export interface DownOptions {
  layout: StackLayout;
  engine: Engine;
  report: StepReporter;
  dryRun: boolean;
  runProgram: RunProgram;
}

/**
 * Takes the stack down with Docker Compose (`down`): its containers and network go, each container
 * stopped within its `stop_grace_period`; the data folders stay, and `up` brings it all back.
 * Resolves to whether it went down (or had nothing to take down).
 */
export async function runDown(options: DownOptions): Promise<boolean> {
  const { layout, report, engine } = options;
  const env = composeEnvironment(engine.endpoint);
  const cli = await findCompose(options.runProgram, layout.composeDir, env);
  if (!cli) {
    report.step("compose", "fail", "Docker Compose is not installed (deno task up says how)");
    return false;
  }
  const containers = await readStackContainers(engine, layout.composeDir);
  if (containers.length === 0) {
    report.step("containers", "keep", `no container of ${layout.composeDir}`);
    return true;
  }
  const names = containers.map((container) => container.service).join(", ");
  if (options.dryRun) {
    report.step("containers", "todo", `would run ${composeName(cli)} down: ${names}`);
    return true;
  }
  const done = await new Compose(cli, options.runProgram, layout.composeDir, env).down();
  if (!done.ok) {
    report.step("containers", "fail", `${composeName(cli)} down failed: ${done.error}`);
    return false;
  }
  report.step("containers", "ok", `${composeName(cli)} down: ${names}`);
  report.step("data", "keep", "the data folders are left as they are; deno task up brings it back");
  return true;
}
