/** Where the daemon runs, as far as reaching it from a container goes. */
export type Platform = "linux" | "wsl2-nat" | "wsl2-mirrored" | "docker-desktop";

/** What decides whether the stack's containers reach the daemon. */
export interface ReachFacts {
  platform: Platform;
  /** `api.host` from breakwater's config. */
  apiHost: string;
  apiPort: number;
  /** `api.allowedHosts`: the Host names the daemon answers. */
  allowedHosts: readonly string[];
  /** Whether something answered `/healthz` on the port just now. */
  listening: boolean;
}

/** Whether the containers reach the daemon, and if not exactly what to change. */
export interface Reachability {
  ok: boolean;
  detail: string;
  /** What to change, when not ok. */
  fix: string | null;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

/**
 * Grafana and Prometheus reach the daemon at `host.docker.internal:<port>` (host-gateway): on Linux
 * that is the docker0 bridge's address; under Docker Desktop the Windows or macOS host, which
 * forwards to WSL2 in NAT mode and shares its addresses in mirrored mode. A daemon bound to
 * loopback alone is out of reach on all of them. Pure.
 */
export function reachability(facts: ReachFacts): Reachability {
  const where = `${facts.apiHost}:${facts.apiPort}`;
  if (!facts.allowedHosts.includes("host.docker.internal")) {
    return {
      ok: false,
      detail: `api.allowedHosts (${facts.allowedHosts.join(", ")}) leaves out host.docker.internal`,
      fix: "add host.docker.internal to api.allowedHosts in breakwater.yaml",
    };
  }
  if (!LOOPBACK.test(facts.apiHost)) {
    return facts.listening ? { ok: true, detail: `breakwater answers on ${where}`, fix: null } : {
      ok: false,
      detail: `nothing answers on port ${facts.apiPort}`,
      fix: "start breakwater: deno task watch (or deno task schedule install)",
    };
  }
  const fixes: Record<Platform, string> = {
    linux: "set api.host: 172.17.0.1 (the docker0 bridge, what host.docker.internal resolves to " +
      "here) or 0.0.0.0 in breakwater.yaml, then restart deno task watch",
    "wsl2-nat": "set api.host: 0.0.0.0 in breakwater.yaml (Docker Desktop reaches WSL2 through " +
      "Windows' localhost forwarding, which needs a non-loopback bind), then restart deno task watch",
    "wsl2-mirrored": "set api.host: 0.0.0.0 in breakwater.yaml (mirrored mode shares the host's " +
      "addresses with WSL2; host.docker.internal arrives on one of them, not on loopback), then " +
      "restart deno task watch",
    "docker-desktop": "set api.host: 0.0.0.0 in breakwater.yaml (containers reach the host " +
      "through Docker Desktop's gateway, not its loopback), then restart deno task watch",
  };
  return {
    ok: false,
    detail: `breakwater listens on ${where}, out of the containers' reach`,
    fix: fixes[facts.platform],
  };
}
