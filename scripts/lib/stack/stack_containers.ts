import type { Engine } from "../engine/engine.ts";
import {
  describeServices,
  isUp,
  type StackContainer,
  type StackService,
} from "./compose_services.ts";
import type { StepReporter } from "./step_reporter.ts";

const WORKING_DIR = "com.docker.compose.project.working_dir";
const SERVICE = "com.docker.compose.service";

/**
 * The containers Compose made from the stack's folder (its label on every container, v1 and v2
 * alike, whatever the project's name), with their state and health.
 */
export async function readStackContainers(
  engine: Engine,
  composeDir: string,
): Promise<StackContainer[]> {
  const folders = new Set([composeDir, await Deno.realPath(composeDir).catch(() => composeDir)]);
  const listing = (await engine.list()).filter((container) =>
    folders.has(container.labels[WORKING_DIR]) && container.labels[SERVICE]
  );
  return await Promise.all(listing.map(async (container) => {
    const snapshot = await engine.inspect(container.id);
    return {
      service: container.labels[SERVICE],
      id: container.id,
      state: snapshot.state,
      health: snapshot.health,
      labels: container.labels,
    };
  }));
}

/** Waits until every service's container is up, saying how each stands as it changes. */
export async function waitForStack(
  engine: Engine,
  composeDir: string,
  services: readonly StackService[],
  timeoutMs: number,
  report: StepReporter,
): Promise<{ ok: boolean; detail: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  const stop = report.progress("wait", "every service healthy");
  for (;;) {
    const containers = await readStackContainers(engine, composeDir);
    const line = describeServices(services, containers);
    const up = services.every((service) =>
      containers.some((container) => container.service === service.name && isUp(container))
    );
    if (up) {
      stop(true);
      return { ok: true, detail: line };
    }
    if (line !== last) report.step("wait", "todo", line);
    last = line;
    if (Date.now() > deadline) {
      stop(false);
      return {
        ok: false,
        detail: `not up after ${Math.round(timeoutMs / 1_000)} s: ${line}. deno task health ` +
          "and docker compose logs <service> (in compose/) say why",
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
