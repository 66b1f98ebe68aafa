type Json = Record<string, unknown>;
const asObject = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? value as Json : {};
const asArray = (value: unknown): unknown[] => Array.isArray(value) ? value : [];

/** How the stack's data path stands, one verdict per part. */
export interface Readiness {
  /** Prometheus scrapes breakwater: the `breakwater` job's targets are up. */
  target: { ok: boolean; detail: string };
  /** Prometheus loaded breakwater's alerting and recording rules. */
  rules: { ok: boolean; detail: string };
  /** Grafana answers its health check with its database ok. */
  grafana: { ok: boolean; detail: string };
}

/**
 * The `breakwater` job's targets in Prometheus's `/api/v1/targets` answer: up when every one is,
 * else why not, in Prometheus's words (`lastError`). Pure.
 */
export function judgeTargets(answer: unknown, job = "breakwater"): Readiness["target"] {
  const targets = asArray(asObject(asObject(answer).data).activeTargets).map(asObject)
    .filter((target) => asObject(target.labels).job === job);
  if (targets.length === 0) return { ok: false, detail: `no ${job} target in Prometheus yet` };
  const down = targets.filter((target) => target.health !== "up");
  if (down.length === 0) {
    const hosts = targets.map((target) => asObject(target.labels).host ?? "?").join(", ");
    return { ok: true, detail: `${targets.length} ${job} target(s) up (host ${hosts})` };
  }
  const why = down.map((target) =>
    `${target.scrapeUrl}: ${target.health}${target.lastError ? ` (${target.lastError})` : ""}`
  ).join("; ");
  return { ok: false, detail: why };
}

/** Prometheus's `/api/v1/rules` answer: loaded when it has breakwater's rule groups. Pure. */
export function judgeRules(answer: unknown): Readiness["rules"] {
  const groups = asArray(asObject(asObject(answer).data).groups).map(asObject);
  const rules = groups.reduce((sum, group) => sum + asArray(group.rules).length, 0);
  const broken = groups.flatMap((group) => asArray(group.rules).map(asObject))
    .filter((rule) => rule.health === "err");
  if (groups.length === 0) return { ok: false, detail: "Prometheus has loaded no rules" };
  if (broken.length > 0) {
    return {
      ok: false,
      detail: `${broken.length} rule(s) fail: ${
        broken.map((rule) => `${rule.name}: ${rule.lastError}`).join("; ")
      }`,
    };
  }
  return { ok: true, detail: `${rules} rules in ${groups.length} group(s) loaded` };
}

/** Grafana's `/api/health` answer. Pure. */
export function judgeGrafana(answer: unknown): Readiness["grafana"] {
  const database = asObject(answer).database;
  return database === "ok"
    ? { ok: true, detail: `Grafana ${asObject(answer).version ?? ""} answers, database ok`.trim() }
    : { ok: false, detail: `Grafana answers, database ${String(database ?? "unknown")}` };
}

/** Where this machine reaches the stack's Prometheus and Grafana. */
export interface StackAddresses {
  prometheus: string;
  grafana: string;
}

/** Asks Prometheus and Grafana once; a part that does not answer is not ready, saying so. */
export async function readReadiness(addresses: StackAddresses): Promise<Readiness> {
  const ask = async (url: string) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${url} answered ${response.status}`);
    }
    return await response.json();
  };
  const judged = <T extends { ok: boolean; detail: string }>(
    url: string,
    judge: (answer: unknown) => T,
  ) => ask(url).then(judge, (error: Error) => ({ ok: false, detail: error.message }) as T);
  const [target, rules, grafana] = await Promise.all([
    judged(`${addresses.prometheus}/api/v1/targets?state=active`, (answer) => judgeTargets(answer)),
    judged(`${addresses.prometheus}/api/v1/rules`, judgeRules),
    judged(`${addresses.grafana}/api/health`, judgeGrafana),
  ]);
  return { target, rules, grafana };
}

/**
 * Asks again every 2 s until every part is ready or `timeoutMs` passes, telling `onChange` each
 * time what is missing changes. Resolves to the last verdict.
 */
export async function waitForReadiness(
  addresses: StackAddresses,
  timeoutMs: number,
  onChange: (missing: string) => void,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const readiness = await readReadiness(addresses);
    const missing = missingParts(readiness);
    if (!missing || Date.now() > deadline) return readiness;
    if (missing !== last) onChange(missing);
    last = missing;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** What is not ready yet, one part a line; empty when all is. Pure. */
export function missingParts(readiness: Readiness): string {
  return Object.entries(readiness).filter(([, part]) => !part.ok)
    .map(([name, part]) => `${name}: ${part.detail}`).join("; ");
}
