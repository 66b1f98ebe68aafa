import assert from "node:assert/strict";
import { EngineEventDecoder } from "./engine_event.ts";

const message = (action: string, name: string) =>
  JSON.stringify({
    Type: "container",
    Action: action,
    Actor: { ID: `id-${name}`, Attributes: { name } },
    time: 1_700_000_000,
    timeNano: 1_700_000_000_123_456_789,
  }) + "\n";

Deno.test("events split across chunks and joined in one chunk are all decoded", () => {
  const decoder = new EngineEventDecoder();
  const text = message("health_status: unhealthy", "api") + message("unpause", "db");
  const cut = 37;
  const first = decoder.push(new TextEncoder().encode(text.slice(0, cut)));
  const rest = decoder.push(new TextEncoder().encode(text.slice(cut)));
  assert.deepEqual(first, []);
  assert.deepEqual(rest.map((event) => [event.action, event.id, event.name]), [
    ["health_status: unhealthy", "id-api", "api"],
    ["unpause", "id-db", "db"],
  ]);
  assert.equal(Math.round(rest[0].time), 1_700_000_000_123);
});

Deno.test("malformed lines are skipped, the stream goes on", () => {
  const decoder = new EngineEventDecoder();
  const events = decoder.push('not json\n{"Type":"container"}\n' + message("start", "x"));
  assert.deepEqual(events.map((event) => event.action), ["start"]);
});
