import assert from "node:assert/strict";
import { join } from "node:path";
import type { ContainerListing } from "../engine/engine.ts";
import { Journal } from "../journal/journal.ts";
import type { JournalEntry } from "../journal/journal_entry.ts";
import { type ControlApiDeps, createControlApiHandler, MAX_BODY_BYTES } from "./control_api.ts";
import type { Healthz, Status } from "./api_schemas.ts";

const TOKEN = "s3cret-token";
const auth = { authorization: `Bearer ${TOKEN}` };
const CONTAINERS: ContainerListing[] = [
  { id: "id-api", name: "api", state: "running", labels: {} },
  {
    id: "id-grafana",
    name: "grafana",
    state: "running",
    labels: { "breakwater.protected": "true" },
  },
];

/** The handler over stand-in daemon parts that record what reached them. */
async function setup() {
  const calls: string[] = [];
  const dir = await Deno.makeTempDir();
  const entry = (action: string, actor: string): JournalEntry => ({
    time: new Date().toISOString(),
    action,
    container: { name: "api", id: "id-api" },
    reason: "asked",
    details: {},
    actor,
    result: "ok",
  });
  const journal = new Journal(join(dir, "journal.jsonl"));
  const deps: ControlApiDeps = {
    token: TOKEN,
    publicMetrics: false,
    journal,
    // The routes pass these on as they are; their shape is api_schemas_test's business.
    healthz: () => Promise.resolve({ status: "ok" } as Healthz),
    status: () => Promise.resolve({ containers: [] } as unknown as Status),
    metrics: () => Promise.resolve({ text: "breakwater_engine_up 1\n", contentType: "text/plain" }),
    findContainer: (name) => {
      calls.push(`find:${name}`);
      return Promise.resolve(CONTAINERS.find((container) => container.name === name));
    },
    untouchable: (container) => container.labels["breakwater.protected"] ? "protected" : null,
    act: (action) => {
      calls.push(`${action.kind}:${action.container.name}:${action.actor}:${action.reason}`);
      return Promise.resolve({ entry: entry(action.kind, action.actor), journaled: true });
    },
    setArmed: (armed, actor) => {
      calls.push(`armed:${armed}:${actor}`);
      return Promise.resolve({
        entry: entry(armed ? "watchdog-arm" : "watchdog-disarm", actor),
        journaled: true,
      });
    },
  };
  const handle = createControlApiHandler(deps);
  const call = async (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: BodyInit } = {},
  ) => {
    const response = await handle(new Request(`http://localhost${path}`, { method, ...init }));
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text.startsWith("{") ? JSON.parse(text) : text,
    };
  };
  return { call, calls, deps, journal, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("healthz needs no token; everything else does, compared exactly", async () => {
  const { call, cleanup } = await setup();
  assert.equal((await call("GET", "/healthz")).status, 200);
  const none = await call("GET", "/api/v1/status");
  assert.deepEqual([none.status, none.body.error, none.headers.get("www-authenticate")], [
    401,
    "unauthorized",
    'Bearer realm="breakwater"',
  ]);
  for (
    const header of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Basic ${TOKEN}`,
      "Bearer",
      TOKEN,
    ]
  ) {
    assert.equal(
      (await call("GET", "/api/v1/status", { headers: { authorization: header } })).status,
      401,
      header,
    );
  }
  assert.equal((await call("GET", "/api/v1/status", { headers: auth })).status, 200);
  assert.equal((await call("GET", "/metrics")).status, 401);
  assert.equal((await call("GET", "/metrics", { headers: auth })).body, "breakwater_engine_up 1\n");
  await cleanup();
});

Deno.test("bad container names are refused before any engine call", async () => {
  const { call, calls, cleanup } = await setup();
  for (const name of ["..%2Fx", "a%20b", "x".repeat(300), "-leading", "%00"]) {
    const response = await call("POST", `/api/v1/containers/${name}/restart`, { headers: auth });
    assert.equal(response.status, 400, name);
    assert.equal(response.body.error, "bad_request");
  }
  assert.deepEqual(calls, []);
  await cleanup();
});

Deno.test("unknown routes 404, wrong methods 405 with Allow, unknown actions 404", async () => {
  const { call, calls, cleanup } = await setup();
  assert.equal((await call("GET", "/api/v2/status", { headers: auth })).status, 404);
  const wrong = await call("GET", "/api/v1/containers/api/restart", { headers: auth });
  assert.deepEqual([wrong.status, wrong.headers.get("allow")], [405, "POST"]);
  assert.equal((await call("DELETE", "/api/v1/status", { headers: auth })).status, 405);
  assert.equal(
    (await call("POST", "/api/v1/containers/api/explode", { headers: auth })).status,
    404,
  );
  assert.equal((await call("POST", "/api/v1/watchdog/explode", { headers: auth })).status, 404);
  assert.deepEqual(calls, []);
  await cleanup();
});

Deno.test("unknown container 404, protected 403 with the reason, otherwise acted on with the actor", async () => {
  const { call, calls, cleanup } = await setup();
  assert.equal(
    (await call("POST", "/api/v1/containers/nope/restart", { headers: auth })).status,
    404,
  );
  const protectedAnswer = await call("POST", "/api/v1/containers/grafana/stop", { headers: auth });
  assert.deepEqual([protectedAnswer.status, protectedAnswer.body.message], [
    403,
    "grafana: protected",
  ]);
  const ok = await call("POST", "/api/v1/containers/api/restart", {
    headers: { ...auth, "x-grafana-user": "alice", "content-type": "application/json" },
    body: JSON.stringify({ reason: "stuck" }),
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.entry.actor, "grafana:alice");
  const anonymous = await call("POST", "/api/v1/watchdog/disarm", {
    headers: { ...auth, "x-grafana-user": "x".repeat(500) },
  });
  assert.equal(anonymous.body.armed, false);
  assert.deepEqual(calls, [
    "find:nope",
    "find:grafana",
    "find:api",
    "restart:api:grafana:alice:stuck",
    "armed:false:api",
  ]);
  await cleanup();
});

Deno.test("bodies over 16 KiB are 413, declared or streamed; bad JSON is 400", async () => {
  const { call, calls, cleanup } = await setup();
  const big = "x".repeat(MAX_BODY_BYTES + 1);
  assert.equal(
    (await call("POST", "/api/v1/containers/api/restart", { headers: auth, body: big })).status,
    413,
  );
  const streamed = new ReadableStream({
    start(controller) {
      for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(1024));
      controller.close();
    },
  });
  assert.equal(
    (await call("POST", "/api/v1/containers/api/restart", { headers: auth, body: streamed }))
      .status,
    413,
  );
  for (const body of ["{not json", "[1,2]", '{"reason": 5}', '{"other": 1}']) {
    assert.equal(
      (await call("POST", "/api/v1/containers/api/restart", { headers: auth, body })).status,
      400,
      body,
    );
  }
  assert.deepEqual(calls.filter((call) => !call.startsWith("find:")), []);
  await cleanup();
});

Deno.test("journal query: limit and since are checked", async () => {
  const { call, journal, cleanup } = await setup();
  await journal.append({
    time: new Date().toISOString(),
    action: "restart",
    container: null,
    reason: "r",
    details: {},
    actor: "policy",
    result: "ok",
  });
  const ok = await call("GET", "/api/v1/journal?limit=5&since=1h", { headers: auth });
  assert.equal(ok.body.entries.length, 1);
  for (const query of ["limit=0", "limit=abc", "limit=5000", "since=yesterday"]) {
    assert.equal(
      (await call("GET", `/api/v1/journal?${query}`, { headers: auth })).status,
      400,
      query,
    );
  }
  await cleanup();
});
