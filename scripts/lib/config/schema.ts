import { z } from "zod";
import { parseDuration } from "./duration.ts";

/** A duration in the config: `"30s"`, `"5m"`, `"500ms"` or a number of seconds; parsed to ms. */
const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as "30s", "5m", "500ms" or a number of seconds, got ${
        JSON.stringify(value)
      }`,
    });
    return z.NEVER;
  }
  return ms;
});

/** Container names or glob patterns (`*` any run of characters, `?` one character). */
const namePatterns = z.array(z.string().min(1, "a name or pattern cannot be empty"));

const backoffSchema = z.strictObject({
  /** Delay before the second restart; it doubles after each further restart. */
  initial: duration.default(10_000),
  /** Longest delay between two restarts. */
  max: duration.default(300_000),
  /** Healthy for this long after a restart, a container's backoff starts over. */
  resetAfter: duration.default(600_000),
});

const giveUpSchema = z.strictObject({
  /** Stop restarting after this many restarts inside `window`; 0 never gives up. */
  maxRestarts: z.int().min(0).default(0),
  window: duration.default(3_600_000),
});

const healSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Opted in by name or pattern, besides the `breakwater.heal=true` / `autoheal=true` labels. */
  containers: namePatterns.default([]),
  reconcileInterval: duration.default(30_000),
  stopTimeout: duration.default(10_000),
  backoff: backoffSchema.prefault({}),
  giveUp: giveUpSchema.prefault({}),
});

const dockerSchema = z.strictObject({
  /** Engine address, as `DOCKER_HOST` is written; `DOCKER_HOST` wins when both are set. */
  host: z.string().min(1).optional(),
  /** Engine calls in flight at once when reading many containers. */
  concurrency: z.int().min(1).max(64).default(8),
});

/** The whole of `breakwater.yaml`. Every key is optional. */
export const configSchema = z.strictObject({
  stateDir: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  /** Never touched by any action, besides the `breakwater.protected=true` label. */
  protected: namePatterns.default([]),
  docker: dockerSchema.prefault({}),
  heal: healSchema.prefault({}),
});

/** Validated configuration, durations in milliseconds, with `stateDir` resolved. */
export type Config = z.output<typeof configSchema> & { stateDir: string };
/** The heal section of {@linkcode Config}. */
export type HealConfig = Config["heal"];
