/** Where the daemon runs, as far as reaching it from a container goes. */
export type Platform = "linux" | "wsl2-nat" | "wsl2-mirrored" | "docker-desktop";

/** What the daemon answered a request made as the stack's containers make it. */
export type ProbeAnswer = { status: number } | { error: string };

/** What decides whether the stack's containers reach the daemon. */
export interface ReachFacts {
  platform: Platform;
  /** `api.host` from breakwater's config. */
  apiHost: string;
  apiPort: number;
  /** `api.allowedHosts`: the Host names the daemon answers. */
  allowedHosts: readonly string[];
  /**
   * The answer to `GET /api/v1/status` sent to `host.docker.internal`'s address with its `Host`
   * and the stack's token, as Prometheus sends it; `null` where this machine cannot stand where
   * the containers stand (Docker Desktop: their host is another machine's).
   */
  probe: ProbeAnswer | null;
  /** The address `host.docker.internal` resolves to in the containers, when known. */
  gateway: string | null;
}

/** Whether the containers reach the daemon, and if not exactly what to change. */
export interface Reachability {
  ok: boolean;
  detail: string;
  /** What to change, when not ok. */
  fix: string | null;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;
const RESTART = ", then restart deno task watch";

/**
 * Grafana and Prometheus reach the daemon at `host.docker.internal:<port>` (host-gateway): on Linux
 * that is the docker0 bridge's address; under Docker Desktop the Windows or macOS host, which
 * forwards to WSL2 in NAT mode and shares its addresses in mirrored mode. The daemon must listen
 * there, accept `host.docker.internal` as `Host`, and accept the stack's token. Pure.
 */
export function reachability(facts: ReachFacts): Reachability {
  const where = `host.docker.internal:${facts.apiPort}${
    facts.gateway ? ` (${facts.gateway})` : ""
  }`;
  if (!facts.allowedHosts.includes("host.docker.internal")) {
    return {
      ok: false,
      detail: `api.allowedHosts (${facts.allowedHosts.join(", ")}) leaves out host.docker.internal`,
      fix: `add host.docker.internal to api.allowedHosts in breakwater.yaml${RESTART}`,
    };
  }
  const probe = facts.probe;
  if (probe && "status" in probe) {
    if (probe.status === 200) {
      return { ok: true, detail: `breakwater answers the containers at ${where}`, fix: null };
    }
    if (probe.status === 401) {
      return {
        ok: false,
        detail: `breakwater at ${where} refuses the stack's token (401)`,
        fix: "the running breakwater has another token than its config gives (BREAKWATER_TOKEN " +
          "in its environment?): restart deno task watch, then deno task up",
      };
    }
    if (probe.status === 421) {
      return {
        ok: false,
        detail: `breakwater at ${where} refuses the Host host.docker.internal (421)`,
        fix: "the running breakwater predates host.docker.internal in api.allowedHosts: restart " +
          "deno task watch",
      };
    }
    return {
      ok: false,
      detail: `something else answers at ${where} (${probe.status})`,
      fix:
        `free port ${facts.apiPort} for breakwater, or set api.port in breakwater.yaml and the ` +
        `port in compose/prometheus.yml and BREAKWATER_API_URL in compose/.env`,
    };
  }
  if (LOOPBACK.test(facts.apiHost)) {
    const fixes: Record<Platform, string> = {
      linux: `set api.host: ${facts.gateway ?? "172.17.0.1"} (the docker0 bridge, what ` +
        `host.docker.internal resolves to here) or 0.0.0.0 in breakwater.yaml${RESTART}`,
      "wsl2-nat": "set api.host: 0.0.0.0 in breakwater.yaml (Docker Desktop reaches WSL2 through " +
        `Windows' localhost forwarding, which needs a non-loopback bind)${RESTART}`,
      "wsl2-mirrored": "set api.host: 0.0.0.0 in breakwater.yaml (mirrored mode shares the " +
        "host's addresses with WSL2; host.docker.internal arrives on one of them, not on " +
        `loopback)${RESTART}`,
      "docker-desktop": "set api.host: 0.0.0.0 in breakwater.yaml (containers reach the host " +
        `through Docker Desktop's gateway, not its loopback)${RESTART}`,
    };
    return {
      ok: false,
      detail:
        `breakwater listens on ${facts.apiHost}:${facts.apiPort}, out of the containers' reach`,
      fix: fixes[facts.platform],
    };
  }
  if (probe && "error" in probe) {
    return {
      ok: false,
      detail: `nothing answers the containers at ${where}: ${probe.error}`,
      fix: facts.apiHost === "0.0.0.0" || facts.apiHost === facts.gateway
        ? "start breakwater: deno task watch (or deno task schedule install)"
        : `api.host is ${facts.apiHost}, not host.docker.internal's ${facts.gateway}: set ` +
          `api.host: ${facts.gateway} or 0.0.0.0 in breakwater.yaml${RESTART}`,
    };
  }
  return {
    ok: true,
    detail: `breakwater listens on ${facts.apiHost}:${facts.apiPort}; Prometheus's scrape will ` +
      "tell whether the containers reach it",
    fix: null,
  };
}
