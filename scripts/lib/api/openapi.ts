/**
 * The control API's machine-readable description (OpenAPI 3.1, JSON Schema 2020-12), served at
 * `/api/v1/openapi.json`: its routes written here, its components generated from the answers' zod
 * schemas (api_schemas.ts). Tests validate the daemon's answers against them, and the Grafana
 * plugin's client is tested against the same document.
 * @module
 */
import { CONTAINER_ACTIONS } from "../executor/container_actions.ts";
import { schemaComponents } from "./api_schemas.ts";

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
    schemas: schemaComponents(),
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
