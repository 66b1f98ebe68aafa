import { dirname, join } from "node:path";

/** The variables of `.env` that name the folders the services write (bound into them). */
export const DATA_DIR_KEYS = {
  MODELS_DIR: "ollama",
  PROMETHEUS_DIR: "prometheus",
  GRAFANA_DIR: "grafana",
  ALERTMANAGER_DIR: "alertmanager",
  OPENCLAW_DIR: "openclaw",
} as const;

/** What `up` knows that `.env` must say. */
export interface EnvFacts {
  /** The token breakwater answers to. */
  token: string;
  /** `uid:gid` of the user running `up`. */
  user: string;
  composeFile: string;
  /** Where the data folders go, for a new `.env` or a key an older one lacks. */
  dataRoot: string;
}

/** What a new `.env` alone gets: asked for by flags, or fresh secrets. */
export interface NewEnvFacts {
  preset: string;
  grafanaPassword: string;
  openclawToken: string;
}

/** The keys to write into `.env`, and a line for each change to an existing one. */
export interface EnvPlan {
  set: Map<string, string>;
  changes: string[];
}

/**
 * What to write into `.env`. `up` owns three keys and keeps them true — the token (breakwater's),
 * the user the services run as (whoever runs `up`) and `COMPOSE_FILE` (GPU or not) — and adds a
 * data folder an older `.env` lacks, next to its others; every other line is the user's and kept.
 * `existing` is `null` when there is no `.env` yet. Pure.
 */
export function planEnv(
  existing: Readonly<Record<string, string>> | null,
  facts: EnvFacts,
  fresh: NewEnvFacts,
): EnvPlan {
  const set = new Map<string, string>();
  const changes: string[] = [];
  const owned: Array<[string, string, string]> = [
    ["BREAKWATER_TOKEN", facts.token, "breakwater's token"],
    ["BREAKWATER_USER", facts.user, "you run the services that write files"],
    ["COMPOSE_FILE", facts.composeFile, "the compose files for this engine"],
  ];
  if (existing === null) {
    for (const [key, value] of owned) set.set(key, value);
    set.set("OLLAMA_PRESET", fresh.preset);
    set.set("GF_ADMIN_PASSWORD", fresh.grafanaPassword);
    set.set("OPENCLAW_GATEWAY_TOKEN", fresh.openclawToken);
    for (const [key, folder] of Object.entries(DATA_DIR_KEYS)) {
      set.set(key, join(facts.dataRoot, folder));
    }
    return { set, changes };
  }
  for (const [key, value, why] of owned) {
    if (existing[key] === value) continue;
    set.set(key, value);
    changes.push(
      existing[key] === undefined
        ? `${key} added (${why})`
        : `${key} changed (${why})${key === "BREAKWATER_TOKEN" ? "" : `: was ${existing[key]}`}`,
    );
  }
  // Beside the data folders the .env already names, so that they share one disk.
  const known = Object.keys(DATA_DIR_KEYS).map((key) => existing[key]).find(Boolean);
  const root = known ? dirname(known) : facts.dataRoot;
  for (const [key, folder] of Object.entries(DATA_DIR_KEYS)) {
    if (existing[key]) continue;
    set.set(key, join(root, folder));
    changes.push(`${key} added: ${join(root, folder)}`);
  }
  return { set, changes };
}
