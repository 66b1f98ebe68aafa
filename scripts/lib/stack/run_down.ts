import { parseEnv } from "./env_file.ts";
import type { Engine } from "../engine/engine.ts";
import { readStackContainers } from "./stack_containers.ts";
import type { StackLayout } from "./stack_layout.ts";
import type { StepReporter } from "./step_reporter.ts";

/** How long a container gets to stop before the engine kills it, by default, ms. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Stops the stack's running containers through the engine's API, keeping the containers, their
 * volumes and the data folders (as `docker compose stop` does); `up` starts them again.
 */
export async function runDown(
  options: { layout: StackLayout; engine: Engine; report: StepReporter; dryRun: boolean },
): Promise<{ stopped: string[] }> {
  const { engine, report } = options;
  const env = parseEnv(await Deno.readTextFile(options.layout.envFile).catch(() => ""));
  const project = env.get("COMPOSE_PROJECT_NAME") ?? "compose";
  const running = (await readStackContainers(engine, project)).filter((container) =>
    container.state === "running" || container.state === "paused"
  );
  if (running.length === 0) {
    report.step("stop", "keep", `nothing of project ${project} runs`);
    return { stopped: [] };
  }
  const stopped: string[] = [];
  for (const container of running) {
    if (options.dryRun) {
      report.step("stop", "todo", `would stop ${container.service}`);
      continue;
    }
    const seconds = Number(container.labels["breakwater.stop-timeout"]);
    const timeout = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : STOP_TIMEOUT_MS;
    const done = report.progress("stop", container.service);
    try {
      if (container.state === "paused") await engine.unpause(container.id);
      await engine.stop(container.id, timeout);
      done(true);
      stopped.push(container.service);
    } catch (error) {
      done(false);
      report.step("stop", "fail", `${container.service}: ${(error as Error).message}`);
    }
  }
  report.step("data", "keep", "volumes and data folders are left as they are");
  return { stopped };
}
