import assert from "node:assert/strict";
import type { EngineEvent } from "../engine/engine_event.ts";
import { HEAL_EVENTS } from "./heal_loop.ts";
import { healSubscription } from "./heal_subscription.ts";

Deno.test("heal subscription: events go to the heal loop; only a completed pass makes it ready", async () => {
  const events: string[] = [];
  const passes = [false, true];
  let ready = 0;
  const subscription = healSubscription({
    onEvent: (event: EngineEvent) => {
      events.push(event.action);
      return Promise.resolve();
    },
    onConnected: () => Promise.resolve(passes.shift()!),
  }, () => ready++);
  assert.deepEqual(subscription.actions, HEAL_EVENTS);
  subscription.onEvent({
    type: "container",
    action: "health_status: unhealthy",
    id: "id-api",
    name: "api",
    time: 1,
  });
  assert.deepEqual(events, ["health_status: unhealthy"]);
  subscription.onConnected!(); // the pass did not complete (the engine went away)
  await Promise.resolve();
  assert.equal(ready, 0);
  subscription.onConnected!();
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(ready, 1);
});
