/**
 * The control API's machine-readable description (OpenAPI 3.1, JSON Schema 2020-12), served at
 * `/api/v1/openapi.json`. Tests validate the daemon's answers against these schemas, and the
 * Grafana plugin's client is tested against the same document.
 * @module
 */
import { CONTAINER_ACTIONS } from "../executor/container_actions.ts";

const nullable = (type: string) => ({ type: [type, "null"] });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({
  description,
  content: { "application/json": { schema: ref("Error") } },
});
const json = (description: string, schema: unknown) => ({
  description,
  content: { "application/json": { schema } },
});
const secured = [{ bearer: [] }];

/** Actions the API takes on a container. */
/** The headers Grafana's plugin proxy sets; the login in them is journaled as the actor. */
const GRAFANA_USER_HEADERS = [
  {
    name: "X-Grafana-Context",
    in: "header",
    description:
      "The signed-in Grafana user as JSON, set by Grafana's plugin proxy; its `Login` is journaled as the actor (`grafana:<Login>`).",
    schema: { type: "string" },
  },
  {
    name: "X-Grafana-User",
    in: "header",
    description:
      "The Grafana login, set by the proxy only with `send_user_header`; used when X-Grafana-Context is absent.",
    schema: { type: "string" },
  },
];

/** Actions the API takes on the GPU watchdog. */
export const WATCHDOG_ACTIONS = ["arm", "disarm"] as const;

/** The OpenAPI document. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "breakwater control API",
    version: "1.0.0",
    description:
      "Served by `deno task watch`. Every route but /healthz needs `Authorization: Bearer <token>`.",
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: {
        type: "object",
        required: ["error", "message"],
        additionalProperties: false,
        properties: { error: { type: "string" }, message: { type: "string" } },
      },
      Container: {
        type: "object",
        required: [
          "name",
          "id",
          "image",
          "state",
          "health",
          "restarts",
          "breakwaterRestarts",
          "lastAction",
          "startedAt",
          "unhealthySince",
          "uptimeSeconds",
          "cpuPercent",
          "memoryBytes",
          "memoryLimitBytes",
          "nanoCpus",
          "cpuLimited",
          "memoryLimited",
          "heal",
          "protected",
          "gpuOwner",
          "pausable",
          "pausedByBreakwater",
          "gaveUp",
          "vramBytes",
          "labels",
        ],
        properties: {
          name: { type: "string" },
          labels: { type: "object", additionalProperties: { type: "string" } },
          id: { type: "string" },
          image: { type: "string" },
          state: { type: "string" },
          health: { enum: ["healthy", "unhealthy", "starting", "none"] },
          restarts: {
            type: "integer",
            description: "The engine's own restart count (its restart policy).",
          },
          breakwaterRestarts: {
            type: "integer",
            description:
              "Restarts breakwater made since it started (breakwater_container_restarts_total).",
          },
          lastAction: {
            description: "The latest action on it, by breakwater (actor policy) or a person; " +
              "null when none since the journal's last day.",
            oneOf: [{ type: "null" }, ref("LastAction")],
          },
          startedAt: nullable("string"),
          unhealthySince: {
            ...nullable("string"),
            description: "While unhealthy: failing since at least then (the first failed probe " +
              "of the run the engine still keeps; it keeps five).",
          },
          uptimeSeconds: nullable("number"),
          cpuPercent: nullable("number"),
          memoryBytes: nullable("number"),
          memoryLimitBytes: { type: "number" },
          nanoCpus: { type: "number" },
          cpuLimited: { type: "boolean" },
          memoryLimited: { type: "boolean" },
          heal: { type: "boolean" },
          protected: { type: "boolean" },
          gpuOwner: { type: "boolean" },
          pausable: {
            type: "boolean",
            description: "Whether the API may act on it (not protected, not the GPU owner).",
          },
          pausedByBreakwater: { type: "boolean" },
          gaveUp: {
            type: "boolean",
            description: "breakwater gave up restarting it, until it is healthy long enough again.",
          },
          vramBytes: { ...nullable("number"), description: "Attributed VRAM; null where unknown." },
        },
      },
      LastAction: {
        type: "object",
        required: ["action", "actor", "result", "at"],
        additionalProperties: false,
        properties: {
          action: { type: "string" },
          actor: { type: "string" },
          result: { type: "string" },
          at: { type: "string", format: "date-time" },
        },
      },
      Gpu: {
        type: "object",
        required: [
          "index",
          "name",
          "uuid",
          "memoryTotalBytes",
          "memoryUsedBytes",
          "utilizationPercent",
          "temperatureCelsius",
          "powerWatts",
        ],
        properties: {
          index: { type: "integer" },
          name: { type: "string" },
          uuid: { type: "string" },
          memoryTotalBytes: nullable("number"),
          memoryUsedBytes: nullable("number"),
          utilizationPercent: nullable("number"),
          memoryUtilizationPercent: nullable("number"),
          temperatureCelsius: nullable("number"),
          powerWatts: nullable("number"),
          powerLimitWatts: nullable("number"),
        },
      },
      Held: {
        type: "object",
        required: ["name", "id", "at"],
        properties: { name: { type: "string" }, id: { type: "string" }, at: { type: "string" } },
      },
      Watchdog: {
        type: "object",
        required: [
          "enabled",
          "state",
          "armed",
          "tripped",
          "highStreak",
          "lowStreak",
          "streak",
          "clearStreak",
          "ladder",
          "nextRung",
          "paused",
          "stopped",
          "unknownReadings",
        ],
        properties: {
          enabled: { type: "boolean" },
          state: { enum: ["off", "disarmed", "armed", "tripped"] },
          armed: { type: "boolean" },
          tripped: { type: "boolean" },
          highStreak: { type: "integer" },
          lowStreak: { type: "integer" },
          streak: { type: "integer" },
          clearStreak: { type: "integer" },
          ladder: { type: "array", items: { type: "string" } },
          nextRung: nullable("string"),
          paused: { type: "array", items: ref("Held") },
          stopped: { type: "array", items: ref("Held") },
          unknownReadings: { type: "integer" },
        },
      },
      HealContainer: {
        type: "object",
        required: ["name", "backoffRestarts", "lastRestartAt", "nextRestartAt", "gaveUp"],
        properties: {
          name: { type: "string" },
          backoffRestarts: { type: "integer" },
          lastRestartAt: nullable("string"),
          nextRestartAt: nullable("string"),
          gaveUp: { type: "boolean" },
        },
      },
      Probe: {
        type: "object",
        required: ["name", "url", "up", "latencyMs"],
        properties: {
          name: { type: "string" },
          url: { type: "string" },
          up: { type: "boolean" },
          status: { type: "integer" },
          latencyMs: { type: "number" },
          error: { type: "string" },
        },
      },
      Status: {
        type: "object",
        required: [
          "generatedAt",
          "dryRun",
          "engine",
          "containers",
          "gpu",
          "watchdog",
          "heal",
          "probes",
        ],
        properties: {
          generatedAt: { type: "string" },
          dryRun: { type: "boolean" },
          engine: {
            type: "object",
            required: ["reachable", "address"],
            properties: {
              reachable: { type: "boolean" },
              address: { type: "string" },
              error: { type: "string" },
            },
          },
          containersReadAt: {
            ...nullable("string"),
            description:
              "When the container rows were read (they are refreshed every metricsInterval, and behind an answer when older).",
          },
          containers: { type: "array", items: ref("Container") },
          gpu: {
            type: "object",
            required: ["source", "reason", "readAt", "ok", "gpus", "attributionAvailable"],
            properties: {
              source: nullable("string"),
              reason: { type: "string" },
              readAt: nullable("string"),
              ok: { type: "boolean" },
              error: { type: "string" },
              gpus: { type: "array", items: ref("Gpu") },
              attributionAvailable: { type: "boolean" },
            },
          },
          watchdog: ref("Watchdog"),
          heal: {
            type: "object",
            required: ["containers"],
            properties: { containers: { type: "array", items: ref("HealContainer") } },
          },
          probes: { type: "array", items: ref("Probe") },
        },
      },
      JournalEntry: {
        type: "object",
        required: ["time", "action", "container", "reason", "details", "actor", "result"],
        properties: {
          time: { type: "string" },
          action: { type: "string" },
          container: {
            oneOf: [
              { type: "null" },
              {
                type: "object",
                required: ["name", "id"],
                properties: { name: { type: "string" }, id: { type: "string" } },
              },
            ],
          },
          reason: { type: "string" },
          details: { type: "object", additionalProperties: true },
          actor: { type: "string" },
          result: { enum: ["ok", "failed", "skipped", "dry-run", "noted"] },
          error: { type: "string" },
          durationMs: { type: "number" },
        },
      },
      Journal: {
        type: "object",
        required: ["entries"],
        properties: { entries: { type: "array", items: ref("JournalEntry") } },
      },
      ActionResult: {
        type: "object",
        required: ["entry"],
        properties: {
          entry: ref("JournalEntry"),
          warning: {
            type: "string",
            description: "Done, but the journal could not be written yet (kept in memory).",
          },
        },
      },
      WatchdogResult: {
        type: "object",
        required: ["armed", "entry"],
        properties: {
          armed: { type: "boolean" },
          entry: ref("JournalEntry"),
          warning: {
            type: "string",
            description: "Done, but the journal could not be written yet (kept in memory).",
          },
        },
      },
      Healthz: {
        type: "object",
        required: ["status", "ready", "faults", "engine", "uptimeSeconds"],
        properties: {
          status: {
            enum: ["ok", "degraded", "starting"],
            description: "starting: not following engine events yet; degraded: see faults.",
          },
          ready: {
            type: "boolean",
            description: "Engine events are followed and the first full pass is done.",
          },
          faults: {
            type: "array",
            items: {
              type: "object",
              required: ["kind", "message", "since", "count"],
              properties: {
                kind: { enum: ["state", "journal", "engine", "api"] },
                message: { type: "string" },
                since: { type: "string", format: "date-time" },
                count: { type: "integer" },
              },
            },
          },
          engine: {
            type: "object",
            required: ["reachable", "address"],
            properties: {
              reachable: { type: "boolean" },
              address: { type: "string" },
              error: { type: "string" },
            },
          },
          uptimeSeconds: { type: "number" },
        },
      },
    },
  },
  paths: {
    "/healthz": {
      get: {
        summary: "Liveness of the daemon and whether the engine is reachable. No token.",
        responses: { "200": json("The daemon is alive.", ref("Healthz")) },
      },
    },
    "/api/v1/status": {
      get: {
        summary: "Containers, GPU readings, watchdog and heal state.",
        security: secured,
        responses: {
          "200": json("Everything the control panel shows.", ref("Status")),
          "401": error("No or wrong token."),
        },
      },
    },
    "/api/v1/journal": {
      get: {
        summary: "Recent journal entries, oldest first.",
        security: secured,
        parameters: [
          {
            name: "limit",
            in: "query",
            schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
          },
          {
            name: "since",
            in: "query",
            description: "ISO 8601 time, or a duration ago such as 1h.",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": json("The entries.", ref("Journal")),
          "400": error("Bad limit or since."),
          "401": error("No or wrong token."),
        },
      },
    },
    "/api/v1/containers/{name}/{action}": {
      post: {
        summary:
          "Restart, pause, unpause, stop or start a container, through the executor and the journal.",
        security: secured,
        parameters: [
          {
            name: "name",
            in: "path",
            required: true,
            schema: { type: "string", pattern: "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$" },
          },
          { name: "action", in: "path", required: true, schema: { enum: [...CONTAINER_ACTIONS] } },
          ...GRAFANA_USER_HEADERS,
        ],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { reason: { type: "string", maxLength: 500 } },
                additionalProperties: false,
              },
            },
          },
        },
        responses: {
          "200": json("The action's journal entry (result ok, or dry-run).", ref("ActionResult")),
          "400": error("Bad container name, action or body."),
          "401": error("No or wrong token."),
          "403": error("The container is protected or the GPU owner."),
          "404": error("No such container."),
          "405": error("Wrong method."),
          "409": error("An action on this container is under way; the message names it."),
          "413": error("Body over 16 KiB."),
          "502": error("The engine refused the action; the body says why."),
        },
      },
    },
    "/api/v1/watchdog/{action}": {
      post: {
        summary: "Arm or disarm the GPU watchdog.",
        security: secured,
        parameters: [
          { name: "action", in: "path", required: true, schema: { enum: [...WATCHDOG_ACTIONS] } },
          ...GRAFANA_USER_HEADERS,
        ],
        responses: {
          "200": json("The new state and its journal entry.", ref("WatchdogResult")),
          "401": error("No or wrong token."),
          "405": error("Wrong method."),
        },
      },
    },
    "/api/v1/openapi.json": {
      get: {
        summary: "This document.",
        security: secured,
        responses: { "200": { description: "OpenAPI 3.1" } },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics (no token when api.publicMetrics is on).",
        security: secured,
        responses: { "200": { description: "Prometheus text format" } },
      },
    },
  },
} as const;
