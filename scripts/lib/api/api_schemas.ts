/**
 * The control API's answers as zod schemas: the handlers are typed by them, the OpenAPI document's
 * components are generated from them, and tests parse the answers with them. Objects are strict,
 * so an answer with a field the schema lacks fails those tests instead of drifting quietly.
 * @module
 */
import { z } from "zod";

/** The schemas that become OpenAPI components, by name. */
export const apiSchemas = z.registry<{ id: string }>();

const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();

/** Registers `schema` as the component `id`. */
function component<T extends z.ZodType>(id: string, schema: T): T {
  apiSchemas.add(schema, { id });
  return schema;
}

export const ErrorSchema = component(
  "Error",
  z.strictObject({ error: z.string(), message: z.string() }),
);

export const LastActionSchema = component(
  "LastAction",
  z.strictObject({
    action: z.string(),
    actor: z.string(),
    result: z.string(),
    at: z.iso.datetime(),
  }),
);

export const ContainerSchema = component(
  "Container",
  z.strictObject({
    name: z.string(),
    labels: z.record(z.string(), z.string()),
    id: z.string(),
    image: z.string(),
    state: z.string(),
    health: z.enum(["healthy", "unhealthy", "starting", "none"]),
    restarts: z.int().describe("The engine's own restart count (its restart policy)."),
    breakwaterRestarts: z.int().describe(
      "Restarts breakwater made since it started (breakwater_container_restarts_total).",
    ),
    lastAction: LastActionSchema.nullable().describe(
      "The latest action on it, by breakwater (actor policy) or a person; null when none since " +
        "the journal's last day.",
    ),
    startedAt: nullableString,
    unhealthySince: nullableString.describe(
      "While unhealthy: failing since at least then (the first failed probe of the run the " +
        "engine still keeps; it keeps five).",
    ),
    uptimeSeconds: nullableNumber,
    cpuPercent: nullableNumber,
    memoryBytes: nullableNumber,
    memoryLimitBytes: z.number(),
    nanoCpus: z.number(),
    cpuLimited: z.boolean(),
    memoryLimited: z.boolean(),
    heal: z.boolean(),
    protected: z.boolean(),
    gpuOwner: z.boolean(),
    pausable: z.boolean().describe(
      "Whether the API may act on it (not protected, not the GPU owner).",
    ),
    pausedByBreakwater: z.boolean(),
    gaveUp: z.boolean().describe(
      "breakwater gave up restarting it, until it is healthy long enough again.",
    ),
    vramBytes: nullableNumber.describe("Attributed VRAM; null where unknown."),
  }),
);

export const GpuSchema = component(
  "Gpu",
  z.strictObject({
    index: z.int(),
    name: z.string(),
    uuid: z.string(),
    memoryTotalBytes: nullableNumber,
    memoryUsedBytes: nullableNumber,
    utilizationPercent: nullableNumber,
    memoryUtilizationPercent: nullableNumber.optional(),
    temperatureCelsius: nullableNumber,
    powerWatts: nullableNumber,
    powerLimitWatts: nullableNumber.optional(),
  }),
);

export const HeldSchema = component(
  "Held",
  z.strictObject({
    name: z.string(),
    id: z.string(),
    at: z.string(),
    pending: z.literal(true).optional().describe(
      "The engine is being asked; the next reading settles it.",
    ),
  }),
);

export const WatchdogSchema = component(
  "Watchdog",
  z.strictObject({
    enabled: z.boolean(),
    state: z.enum(["off", "disarmed", "armed", "tripped"]),
    armed: z.boolean(),
    tripped: z.boolean(),
    highStreak: z.int(),
    lowStreak: z.int(),
    streak: z.int(),
    clearStreak: z.int(),
    ladder: z.array(z.string()),
    nextRung: nullableString,
    paused: z.array(HeldSchema),
    stopped: z.array(HeldSchema),
    unknownReadings: z.int(),
  }),
);

export const HealContainerSchema = component(
  "HealContainer",
  z.strictObject({
    name: z.string(),
    backoffRestarts: z.int(),
    lastRestartAt: nullableString,
    nextRestartAt: nullableString,
    gaveUp: z.boolean(),
  }),
);

export const ProbeSchema = component(
  "Probe",
  z.strictObject({
    name: z.string(),
    url: z.string(),
    up: z.boolean(),
    status: z.int().optional(),
    latencyMs: z.number(),
    error: z.string().optional(),
  }),
);

const EngineStatusSchema = z.strictObject({
  reachable: z.boolean(),
  address: z.string(),
  error: z.string().optional(),
});

export const StatusSchema = component(
  "Status",
  z.strictObject({
    generatedAt: z.string(),
    dryRun: z.boolean(),
    engine: EngineStatusSchema,
    containersReadAt: nullableString.describe(
      "When the container rows were read (they are refreshed every metricsInterval, and behind " +
        "an answer when older).",
    ),
    containers: z.array(ContainerSchema),
    gpu: z.strictObject({
      source: nullableString,
      reason: z.string(),
      readAt: nullableString,
      ok: z.boolean(),
      error: z.string().optional(),
      gpus: z.array(GpuSchema),
      attributionAvailable: z.boolean(),
    }),
    watchdog: WatchdogSchema,
    heal: z.strictObject({ containers: z.array(HealContainerSchema) }),
    probes: z.array(ProbeSchema),
  }),
);

export const JournalEntrySchema = component(
  "JournalEntry",
  z.strictObject({
    time: z.string(),
    action: z.string(),
    container: z.strictObject({ name: z.string(), id: z.string() }).nullable(),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()),
    actor: z.string(),
    result: z.enum(["ok", "failed", "skipped", "dry-run", "noted"]),
    error: z.string().optional(),
    durationMs: z.number().optional(),
  }),
);

export const JournalSchema = component(
  "Journal",
  z.strictObject({ entries: z.array(JournalEntrySchema) }),
);

const warning = z.string().optional().describe(
  "Done, but the journal could not be written yet (kept in memory).",
);

export const ActionResultSchema = component(
  "ActionResult",
  z.strictObject({ entry: JournalEntrySchema, warning }),
);

export const WatchdogResultSchema = component(
  "WatchdogResult",
  z.strictObject({ armed: z.boolean(), entry: JournalEntrySchema, warning }),
);

export const HealthzSchema = component(
  "Healthz",
  z.strictObject({
    status: z.enum(["ok", "degraded", "starting"]).describe(
      "starting: not following engine events yet; degraded: see faults.",
    ),
    ready: z.boolean().describe("Engine events are followed and the first full pass is done."),
    faults: z.array(z.strictObject({
      kind: z.enum(["state", "journal", "engine", "api"]),
      message: z.string(),
      since: z.iso.datetime(),
      count: z.int(),
    })),
    engine: EngineStatusSchema,
    uptimeSeconds: z.number(),
  }),
);

/** The body of `/api/v1/status`. */
export type Status = z.infer<typeof StatusSchema>;
/** The body of `/healthz`. */
export type Healthz = z.infer<typeof HealthzSchema>;

/** The components of the OpenAPI document, as JSON Schema 2020-12 generated from the schemas. */
export function schemaComponents(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: "draft-2020-12",
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each generated schema names its draft and itself; inside an OpenAPI document neither belongs.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _draft, $id: _id, ...schema }]) => [id, schema]),
  );
}
