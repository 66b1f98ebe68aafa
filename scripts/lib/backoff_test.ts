import assert from "node:assert/strict";
import { Backoff } from "./backoff.ts";

Deno.test("backoff: doubles up to its ceiling, starts over after a success", async () => {
  const slept: number[] = [];
  const backoff = new Backoff({ initialMs: 100, maxMs: 350 }, (ms) => {
    slept.push(ms);
    return Promise.resolve();
  });
  for (let index = 0; index < 4; index++) await backoff.wait();
  backoff.reset();
  await backoff.wait();
  assert.deepEqual(slept, [100, 200, 350, 350, 100]);
});

Deno.test("backoff: a wait ends as soon as its signal aborts", async () => {
  const controller = new AbortController();
  const backoff = new Backoff({ initialMs: 60_000, maxMs: 60_000 });
  const waiting = backoff.wait(controller.signal);
  controller.abort();
  await waiting; // resolves now, not in a minute (the test would leak the timer otherwise)
});
