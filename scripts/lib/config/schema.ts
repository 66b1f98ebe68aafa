import { z } from "zod";
import { parseByteSize } from "./byte_size.ts";
import { formatDuration, parseDuration } from "../duration.ts";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration in the config: `"30s"`, `"5m"`, `"500ms"` or a number of seconds; parsed to ms and
 * bounded, so that a zero or huge interval cannot turn a loop into a busy loop or a timer that
 * never fires (timers overflow past 2^31 - 1 ms and then fire at once).
 */
const duration = (min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
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
    if (ms < min || ms > max) {
      ctx.addIssue({
        code: "custom",
        message: `must be from ${formatDuration(min)} to ${formatDuration(max)}, got ${
          JSON.stringify(value)
        }`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** A size in bytes: a number, or text such as `"10MiB"`; bounded. */
const byteSize = (min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const bytes = parseByteSize(value);
    if (bytes === undefined || bytes < min || bytes > max) {
      ctx.addIssue({
        code: "custom",
        message: `expected a size from ${min} to ${max} bytes, such as "10MiB" or a number of ` +
          `bytes, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return bytes;
  });

/** Container names or glob patterns (`*` any run of characters, `?` one character). */
const namePatterns = z.array(z.string().min(1, "a name or pattern cannot be empty"));

const backoffSchema = z.strictObject({
  /** Delay before the second restart; it doubles after each further restart. */
  initial: duration(SECOND, HOUR).default(10_000),
  /** Longest delay between two restarts. */
  max: duration(SECOND, DAY).default(300_000),
  /** Healthy for this long after a restart, a container's backoff starts over. */
  resetAfter: duration(SECOND, 7 * DAY).default(600_000),
}).refine((backoff) => backoff.max >= backoff.initial, {
  message: "max must not be below initial: the delay doubles from initial up to max",
  path: ["max"],
});

const giveUpSchema = z.strictObject({
  /** Stop restarting after this many restarts inside `window`; 0 never gives up. */
  maxRestarts: z.int().min(0).max(1_000).default(0),
  window: duration(MINUTE, 7 * DAY).default(3_600_000),
});

const healSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Opted in by name or pattern, besides the `breakwater.heal=true` / `autoheal=true` labels. */
  containers: namePatterns.default([]),
  reconcileInterval: duration(100, HOUR).default(30_000),
  stopTimeout: duration(0, 10 * MINUTE).default(10_000),
  backoff: backoffSchema.prefault({}),
  giveUp: giveUpSchema.prefault({}),
});

const dockerSchema = z.strictObject({
  /** Engine address, as `DOCKER_HOST` is written; `DOCKER_HOST` wins when both are set. */
  host: z.string().min(1).optional(),
  /** Engine calls in flight at once when reading many containers. */
  concurrency: z.int().min(1).max(64).default(8),
});

const percent = z.number().min(0).max(100);

/** A high watermark that trips pressure and a low one that clears it, in percent. */
const watermarksSchema = (high: number, low: number) =>
  z.strictObject({ high: percent.default(high), low: percent.default(low) })
    .refine((marks) => marks.low <= marks.high, {
      message: "low must not be above high; the gap between them is what stops flapping",
    })
    .prefault({});

/** The relief ladder's rungs, climbed one per trip in the configured order. */
export const LADDER_RUNGS = ["unload-ollama-models", "pause-noisy", "stop-top-vram"] as const;
/** One rung of the relief ladder. */
export type LadderRung = (typeof LADDER_RUNGS)[number];

const ollamaSchema = z.strictObject({
  /** Where Ollama answers; unloading models is skipped when it does not. */
  url: z.url().default("http://127.0.0.1:11434"),
  /** Models never unloaded by the ladder. */
  keepModels: z.array(z.string().min(1)).default([]),
  timeout: duration(100, MINUTE).default(2_000),
});

const gpuSchema = z.strictObject({
  /** Run the GPU watchdog inside `deno task watch`. */
  enabled: z.boolean().default(true),
  source: z.enum(["auto", "nvml", "nvidia-smi", "dcgm", "none"]).default("auto"),
  /** The nvidia-smi command (a path, or a name on PATH). */
  nvidiaSmi: z.string().min(1).default("nvidia-smi"),
  dcgmUrl: z.url().default("http://127.0.0.1:9400/metrics"),
  /** Default: 2 s with NVML, 5 s with nvidia-smi or dcgm-exporter. */
  pollInterval: duration(100, 10 * MINUTE).optional(),
  /** The GPU owner, never touched, besides the `breakwater.gpu-owner=true` label. */
  owner: namePatterns.default([]),
  /** Paused under pressure, besides the `breakwater.gpu-noisy=true` label. */
  noisy: namePatterns.default([]),
  vram: watermarksSchema(95, 85),
  utilization: watermarksSchema(95, 85),
  /** Consecutive readings over a high watermark that trip the watchdog. */
  streak: z.int().min(1).max(1_000).default(3),
  /** Consecutive readings under both low watermarks that clear it. */
  clearStreak: z.int().min(1).max(1_000).default(3),
  /** Least time between two rungs. */
  cooldown: duration(0, DAY).default(30_000),
  ladder: z.array(z.enum(LADDER_RUNGS)).default([...LADDER_RUNGS]),
  /** Start again what the ladder stopped once pressure clears. */
  restartStopped: z.boolean().default(false),
  ollama: ollamaSchema.prefault({}),
});

const probeSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]+$/, "use letters, digits, '.', '_' and '-'"),
  /** Probed with GET; any 2xx answer within the timeout is up. */
  url: z.url(),
  timeout: duration(100, MINUTE).default(2_000),
  /** Restart this container (with the heal backoff) once the probe has been down `downAfter` times. */
  healContainer: z.string().min(1).optional(),
  downAfter: z.int().min(1).max(1_000).default(3),
});

/** The endpoints probed when none are configured: Ollama and the OpenClaw gateway. */
export const DEFAULT_PROBES = [
  { name: "ollama", url: "http://127.0.0.1:11434/api/version", timeout: 2_000, downAfter: 3 },
  { name: "openclaw", url: "http://127.0.0.1:18789/healthz", timeout: 2_000, downAfter: 3 },
];

const apiSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Loopback by default: the control API is reached through Grafana's plugin proxy. */
  host: z.string().regex(
    /^[A-Za-z0-9.:-]+$/,
    "an address or host name, such as 127.0.0.1 or 0.0.0.0",
  )
    .default("127.0.0.1"),
  port: z.int().min(0).max(65_535).default(8787),
  /**
   * Names requests may carry in `Host` besides loopback ones and `host`; others are refused (DNS
   * rebinding). host.docker.internal is how the stack's Grafana and Prometheus reach the host.
   */
  allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.:\[\]-]+$/, "a host name or address"))
    .max(32).default(["host.docker.internal"]),
  /** A file holding the bearer token; else BREAKWATER_TOKEN, else one generated in stateDir. */
  tokenFile: z.string().min(1).optional(),
  /** Serve /metrics without the token (for a Prometheus that cannot send one). */
  publicMetrics: z.boolean().default(false),
});

/** The kinds of journal entries notifications can be asked for. */
export const NOTIFY_KINDS = [
  "actions",
  "failures",
  "give-up",
  "gpu-trip",
  "gpu-clear",
  "probe-down",
  "probe-up",
] as const;

const notifySchema = z.strictObject({
  /** Journal entries that are sent: actions taken, give-ups, GPU trips and clears, probes down and up. */
  on: z.array(z.enum(NOTIFY_KINDS)).default([...NOTIFY_KINDS]),
  webhook: z.strictObject({
    url: z.url(),
    /** The JSON key the text goes under: "text" for Slack, "content" for Discord. */
    payloadKey: z.string().min(1).default("text"),
  }).optional(),
  telegram: z.strictObject({
    botToken: z.string().min(1),
    chatId: z.union([z.string().min(1), z.number()]).transform(String),
    apiBase: z.url().default("https://api.telegram.org"),
  }).optional(),
  /** At most this many messages a minute per channel; the rest are dropped and journaled. */
  maxPerMinute: z.int().min(1).max(1_000).default(20),
  retries: z.int().min(0).max(10).default(3),
  timeout: duration(100, MINUTE).default(5_000),
});

const journalSchema = z.strictObject({
  /** journal.jsonl is rotated before an append would take it past this size. */
  maxSize: byteSize(64 * 1024, 1024 ** 3).default(10 * 1024 * 1024),
  /** Rotated files kept beside it (journal.1.jsonl newest); 0 keeps none. */
  keep: z.int().min(0).max(100).default(5),
});

const waiverSchema = z.strictObject({
  /** An audit rule id, such as `limits.memory`. */
  rule: z.string().min(1),
  /** A container or service name, or a pattern. */
  container: z.string().min(1),
  reason: z.string().min(1, "say why the rule does not apply"),
});

/** The whole of `breakwater.yaml`. Every key is optional. */
export const configSchema = z.strictObject({
  stateDir: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  /** Never touched by any action, besides the `breakwater.protected=true` label. */
  protected: namePatterns.default([]),
  docker: dockerSchema.prefault({}),
  heal: healSchema.prefault({}),
  gpu: gpuSchema.prefault({}),
  probes: z.array(probeSchema).default(DEFAULT_PROBES),
  /** How often the probes run, and how often containers are sampled for /metrics. */
  probeInterval: duration(100, HOUR).default(15_000),
  metricsInterval: duration(100, HOUR).default(10_000),
  api: apiSchema.prefault({}),
  notify: notifySchema.prefault({}),
  journal: journalSchema.prefault({}),
  audit: z.strictObject({ waive: z.array(waiverSchema).default([]) }).prefault({}),
});

/** Validated configuration, durations in milliseconds, with `stateDir` resolved. */
export type Config = z.output<typeof configSchema> & { stateDir: string };
/** The heal section of {@linkcode Config}. */
export type HealConfig = Config["heal"];
/** The gpu section of {@linkcode Config}. */
export type GpuConfig = Config["gpu"];
/** One configured HTTP probe. */
export type ProbeConfig = Config["probes"][number];
/** The notify section of {@linkcode Config}. */
export type NotifyConfig = Config["notify"];
/** One audit waiver. */
export type AuditWaiver = Config["audit"]["waive"][number];
