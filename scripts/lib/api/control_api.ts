import type { ContainerListing } from "../engine/engine.ts";
import { grafanaActor } from "./grafana_actor.ts";
import { ActionInFlightError } from "../executor/executor.ts";
import type { ContainerActionKind, Outcome } from "../executor/executor.ts";
import type { Journal } from "../journal/journal.ts";
import { parseDuration } from "../duration.ts";
import { ApiError, jsonResponse } from "./api_error.ts";
import { concatBytes } from "./concat_bytes.ts";
import { CONTAINER_ACTIONS, isContainerAction } from "../executor/container_actions.ts";
import type { Healthz, Status } from "./api_schemas.ts";
import { openApiDocument, WATCHDOG_ACTIONS } from "./openapi.ts";
import { tokenMatches } from "./token.ts";

/** Docker's container name rule, with a length bound. */
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;
/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 16 * 1024;

/** What the control API needs from the daemon. */
export interface ControlApiDeps {
  token: string;
  publicMetrics: boolean;
  journal: Pick<Journal, "read">;
  healthz(): Promise<Healthz>;
  status(): Promise<Status>;
  metrics(): Promise<{ text: string; contentType: string }>;
  /** The container by exact name, from the engine's list. */
  findContainer(name: string): Promise<ContainerListing | undefined>;
  /** Why breakwater must not touch the container, or `null` when it may. */
  untouchable(container: ContainerListing): string | null;
  act(action: {
    kind: ContainerActionKind;
    container: { name: string; id: string };
    /** The container's labels, for its stop timeout. */
    labels: Record<string, string>;
    reason: string;
    actor: string;
  }): Promise<Outcome>;
  setArmed(armed: boolean, actor: string): Promise<Outcome>;
}

/** Who may call a route: anyone, token holders, or token holders unless `/metrics` is public. */
type RouteAuth = "always" | "never" | "metrics";

/**
 * Every route the control API serves: path (URLPattern syntax), method and who may call it. The
 * OpenAPI document must describe exactly these (openapi_test.ts).
 */
export const API_ROUTES = [
  { path: "/healthz", method: "GET", auth: "never" },
  { path: "/api/v1/status", method: "GET", auth: "always" },
  { path: "/api/v1/journal", method: "GET", auth: "always" },
  { path: "/api/v1/openapi.json", method: "GET", auth: "always" },
  { path: "/api/v1/containers/:name/:action", method: "POST", auth: "always" },
  { path: "/api/v1/watchdog/:action", method: "POST", auth: "always" },
  { path: "/metrics", method: "GET", auth: "metrics" },
] as const satisfies readonly { path: string; method: "GET" | "POST"; auth: RouteAuth }[];

type RoutePath = (typeof API_ROUTES)[number]["path"];
type Handle = (request: Request, match: URLPatternResult) => Promise<Response>;

/**
 * The control API as a `fetch`-style handler: every answer is JSON (but /metrics), every error is
 * `{ error, message }` with a 4xx status, and nothing reaches the engine before the request is
 * authorised and validated.
 */
export function createControlApiHandler(
  deps: ControlApiDeps,
): (request: Request) => Promise<Response> {
  const handlers: Record<RoutePath, Handle> = {
    "/healthz": async () => jsonResponse(await deps.healthz()),
    "/api/v1/status": async () => jsonResponse(await deps.status()),
    "/api/v1/journal": (request) => journal(deps, request),
    "/api/v1/openapi.json": () => Promise.resolve(jsonResponse(openApiDocument)),
    "/api/v1/containers/:name/:action": (request, match) =>
      containerAction(deps, request, match.pathname.groups),
    "/api/v1/watchdog/:action": (request, match) =>
      watchdogAction(deps, request, match.pathname.groups.action ?? ""),
    "/metrics": async () => {
      const { text, contentType } = await deps.metrics();
      return new Response(text, { headers: { "content-type": contentType } });
    },
  };
  const routes = API_ROUTES.map((route) => ({
    ...route,
    pattern: new URLPattern({ pathname: route.path }),
    handle: handlers[route.path],
  }));

  return async (request) => {
    try {
      const url = new URL(request.url);
      const candidates = routes.flatMap((route) => {
        const match = route.pattern.exec({ pathname: url.pathname });
        return match ? [{ route, match }] : [];
      });
      if (candidates.length === 0) throw new ApiError(404, "not_found", `no route ${url.pathname}`);
      const found = candidates.find(({ route }) =>
        route.method === request.method ||
        (route.method === "GET" && request.method === "HEAD")
      );
      if (!found) {
        const allow = [...new Set(candidates.map(({ route }) => route.method))].join(", ");
        throw new ApiError(
          405,
          "method_not_allowed",
          `${request.method} is not allowed on ${url.pathname}; use ${allow}`,
          { allow },
        );
      }
      const needsToken = found.route.auth === "always" ||
        (found.route.auth === "metrics" && !deps.publicMetrics);
      if (needsToken) authorize(request, deps.token);
      return await found.route.handle(request, found.match);
    } catch (error) {
      if (error instanceof ApiError) return error.toResponse();
      return jsonResponse({
        error: "internal",
        message: (error as Error)?.message ?? String(error),
      }, 500);
    }
  };
}

function authorize(request: Request, token: string): void {
  const header = request.headers.get("authorization");
  const challenge = { "www-authenticate": 'Bearer realm="breakwater"' };
  if (!header) {
    throw new ApiError(401, "unauthorized", "missing Authorization: Bearer <token>", challenge);
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match || !tokenMatches(match[1], token)) {
    throw new ApiError(401, "unauthorized", "wrong token", challenge);
  }
}

async function journal(deps: ControlApiDeps, request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const limitText = params.get("limit") ?? "100";
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ApiError(
      400,
      "bad_request",
      `limit must be a whole number from 1 to 1000, got "${limitText}"`,
    );
  }
  const sinceText = params.get("since");
  let since: number | undefined;
  if (sinceText !== null) {
    const ago = parseDuration(sinceText);
    since = ago !== undefined ? Date.now() - ago : Date.parse(sinceText);
    if (Number.isNaN(since)) {
      throw new ApiError(
        400,
        "bad_request",
        `since takes an ISO 8601 time or a duration such as 1h, got "${sinceText}"`,
      );
    }
  }
  return jsonResponse({ entries: await deps.journal.read({ limit, since }) });
}

async function containerAction(
  deps: ControlApiDeps,
  request: Request,
  params: Record<string, string | undefined>,
): Promise<Response> {
  const name = decodePathSegment(params.name ?? "");
  const action = params.action ?? "";
  if (!CONTAINER_NAME.test(name)) {
    throw new ApiError(
      400,
      "bad_request",
      "container names are 1–255 characters: letters, digits, '_', '.' and '-', starting with a letter or digit",
    );
  }
  if (!isContainerAction(action)) {
    throw new ApiError(
      404,
      "not_found",
      `no action "${action}"; use one of ${CONTAINER_ACTIONS.join(", ")}`,
    );
  }
  const body = await readBody(request);
  const actor = grafanaActor(request.headers);
  const container = await deps.findContainer(name);
  if (!container) throw new ApiError(404, "not_found", `no container named ${name}`);
  const refusal = deps.untouchable(container);
  if (refusal) throw new ApiError(403, "forbidden", `${name}: ${refusal}`);
  let outcome: Outcome;
  try {
    outcome = await deps.act({
      kind: action as ContainerActionKind,
      container: { name: container.name, id: container.id },
      labels: container.labels,
      reason: body.reason ?? `${action} asked through the control API`,
      actor,
    });
  } catch (error) {
    if (!(error instanceof ActionInFlightError)) throw error;
    throw new ApiError(409, "action_in_flight", error.message);
  }
  const { entry } = outcome;
  if (entry.result === "failed") {
    return jsonResponse({
      error: "engine_error",
      message: entry.error ?? "the engine refused",
      entry,
    }, 502);
  }
  return jsonResponse({ entry, ...journalWarning(outcome) });
}

/** Done, but not on disk yet: said, so that nobody retries an action that happened. */
function journalWarning(outcome: Outcome): { warning?: string } {
  return outcome.journaled ? {} : {
    warning: "done, but the journal could not be written; the entry is kept in memory and " +
      "written once the disk allows (see /healthz)",
  };
}

/** A path segment, percent-decoded; malformed escapes such as `%ZZ` are the client's error. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, "bad_request", `malformed percent-encoding in "${segment}"`);
  }
}

async function watchdogAction(
  deps: ControlApiDeps,
  request: Request,
  action: string,
): Promise<Response> {
  if (!(WATCHDOG_ACTIONS as readonly string[]).includes(action)) {
    throw new ApiError(404, "not_found", `no watchdog action "${action}"; use arm or disarm`);
  }
  await readBody(request);
  const outcome = await deps.setArmed(action === "arm", grafanaActor(request.headers));
  return jsonResponse({
    armed: action === "arm",
    entry: outcome.entry,
    ...journalWarning(outcome),
  });
}

/** The body as `{ reason? }`: at most 16 KiB of JSON, or empty. */
async function readBody(request: Request): Promise<{ reason?: string }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return {};
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const text = new TextDecoder().decode(concatBytes(chunks)).trim();
  if (!text) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "bad_request", 'the body must be JSON such as {"reason": "…"}');
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(400, "bad_request", "the body must be a JSON object");
  }
  const { reason, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw new ApiError(400, "bad_request", `unknown field(s): ${Object.keys(rest).join(", ")}`);
  }
  if (reason !== undefined && (typeof reason !== "string" || reason.length > 500)) {
    throw new ApiError(400, "bad_request", "reason must be a string of at most 500 characters");
  }
  return { reason: reason as string | undefined };
}

function tooLarge(): ApiError {
  return new ApiError(
    413,
    "payload_too_large",
    `request bodies are limited to ${MAX_BODY_BYTES} bytes`,
  );
}
