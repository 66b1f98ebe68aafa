import { parse as parseYaml } from "yaml";
import type { ProgramResult, RunProgram } from "./program.ts";

/** A Docker Compose found on this machine: the plugin (`docker compose`) or `docker-compose`. */
export interface ComposeCli {
  /** The program and the words before Compose's own arguments. */
  command: string;
  prefix: readonly string[];
  /** Compose's version, as it says it. */
  version: string;
  /** 2 and later print their configuration as JSON and name the project in it. */
  major: number;
}

/**
 * The variables Compose runs with: breakwater's engine as `DOCKER_HOST` when breakwater's config
 * names it, so both talk to the same engine (`DOCKER_HOST` itself, or Compose's own context,
 * otherwise).
 */
export function composeEnvironment(
  endpoint: { address: string; source: string },
): Record<string, string> {
  return endpoint.source === "config" ? { DOCKER_HOST: endpoint.address } : {};
}

/** How the user would type it: `docker compose` or `docker-compose`. */
export function composeName(cli: ComposeCli): string {
  return [cli.command, ...cli.prefix].join(" ");
}

/**
 * Finds Docker Compose: `docker compose` (v2, what Docker Desktop and the compose plugin ship),
 * else `docker-compose` (a standalone v2, or v1 where that is all there is); `null` when neither
 * answers `version`.
 */
export async function findCompose(
  run: RunProgram,
  cwd: string,
  env: Record<string, string>,
): Promise<ComposeCli | null> {
  const candidates: Array<[string, string[]]> = [["docker", ["compose"]], ["docker-compose", []]];
  for (const [command, prefix] of candidates) {
    const answer = await run(command, [...prefix, "version", "--short"], {
      cwd,
      env,
      output: "capture",
    });
    const version = answer.stdout.trim().replace(/^v/, "");
    if (answer.code === 0 && /^\d+\./.test(version)) {
      return { command, prefix, version, major: Number(version.split(".")[0]) };
    }
  }
  return null;
}

/** Compose's answer: its output on success, what it said otherwise. */
export type ComposeAnswer<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Docker Compose run in the stack's folder, with the stack's `.env` (Compose reads it there,
 * `COMPOSE_FILE` and `COMPOSE_PROJECT_NAME` included) and breakwater's engine as `DOCKER_HOST`.
 */
export class Compose {
  constructor(
    readonly cli: ComposeCli,
    private readonly run: RunProgram,
    private readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** The stack as Compose resolves it: variables, `.env`, every file of `COMPOSE_FILE`. */
  async config(): Promise<ComposeAnswer<Record<string, unknown>>> {
    const args = this.cli.major >= 2 ? ["config", "--format", "json"] : ["config"];
    const answer = await this.#compose(args, "capture");
    if (answer.code !== 0) return { ok: false, error: said(answer) };
    try {
      // JSON is YAML: one parser for both versions' output.
      return { ok: true, value: parseYaml(answer.stdout) as Record<string, unknown> };
    } catch (error) {
      return { ok: false, error: `unreadable output of config: ${(error as Error).message}` };
    }
  }

  /** Creates and starts what is missing or changed; what is up to date is left as it is. */
  async up(): Promise<ComposeAnswer<null>> {
    const answer = await this.#compose(["up", "--detach"], "show");
    return answer.code === 0 ? { ok: true, value: null } : { ok: false, error: said(answer) };
  }

  /** Stops and removes the stack's containers and network; volumes and data folders stay. */
  async down(): Promise<ComposeAnswer<null>> {
    const answer = await this.#compose(["down"], "show");
    return answer.code === 0 ? { ok: true, value: null } : { ok: false, error: said(answer) };
  }

  #compose(args: string[], output: "capture" | "show"): Promise<ProgramResult> {
    return this.run(this.cli.command, [...this.cli.prefix, ...args], {
      cwd: this.dir,
      env: this.env,
      output,
    });
  }
}

function said(answer: ProgramResult): string {
  const text = answer.stderr.trim() || answer.stdout.trim();
  return text ? text : `exited with code ${answer.code} (its output is above)`;
}
