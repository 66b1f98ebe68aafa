import assert from "node:assert/strict";
import type { JournalNote } from "../executor/executor.ts";
import type { ProbeConfig } from "../config/schema.ts";
import { probeReactions } from "./probe_reactions.ts";

const probe = (healContainer?: string): ProbeConfig =>
  ({
    name: "ollama",
    url: "http://127.0.0.1:11434/",
    timeout: 2_000,
    downAfter: 3,
    ...(healContainer ? { healContainer } : {}),
  }) as ProbeConfig;

Deno.test("probe reactions: down and up are journaled; a probe tied to a container heals it", () => {
  const notes: JournalNote[] = [];
  const heal: string[] = [];
  const reactions = probeReactions({
    note: (note) => notes.push(note),
    heal: {
      onProbeDown: (container, name, details) =>
        heal.push(`down ${container} ${name} ${details.error}`),
      onProbeUp: (container) => heal.push(`up ${container}`),
    },
  });
  reactions.onDown(probe("ollama-1"), {
    name: "ollama",
    url: "",
    up: false,
    latencyMs: 2_000,
    error: "timeout",
  });
  reactions.onUp(probe("ollama-1"), {
    name: "ollama",
    url: "",
    up: true,
    latencyMs: 12,
    status: 200,
  });
  reactions.onDown(probe(), { name: "ollama", url: "", up: false, latencyMs: 3, status: 503 });
  assert.deepEqual(
    notes.map(({ action, reason, actor, result }) => [action, reason, actor, result]),
    [
      ["probe-down", "probe ollama is down (3 in a row): timeout", "policy", "noted"],
      ["probe-up", "probe ollama answers again (200 in 12 ms)", "policy", "noted"],
      ["probe-down", "probe ollama is down (3 in a row): status 503", "policy", "noted"],
    ],
  );
  assert.deepEqual(notes[0].details, {
    probe: "ollama",
    url: "http://127.0.0.1:11434/",
    error: "timeout",
  });
  assert.deepEqual(
    heal,
    ["down ollama-1 ollama timeout", "up ollama-1"],
    "only the tied probe heals",
  );
});

Deno.test("probe reactions: with healing off, a tied probe is still journaled", () => {
  const notes: JournalNote[] = [];
  const reactions = probeReactions({ note: (note) => notes.push(note), heal: null });
  reactions.onDown(probe("ollama-1"), {
    name: "ollama",
    url: "",
    up: false,
    latencyMs: 1,
    error: "refused",
  });
  assert.equal(notes.length, 1);
});
