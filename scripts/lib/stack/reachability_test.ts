import assert from "node:assert/strict";
import { type Platform, reachability, type ReachFacts } from "./reachability.ts";

const base: ReachFacts = {
  platform: "linux",
  apiHost: "127.0.0.1",
  apiPort: 8787,
  allowedHosts: ["host.docker.internal"],
  gateway: "172.17.0.1",
  probe: { error: "connect ECONNREFUSED 172.17.0.1:8787" },
};

Deno.test("reach: a loopback bind is told what to change, per platform", () => {
  const platforms: Platform[] = ["linux", "wsl2-nat", "wsl2-mirrored", "docker-desktop"];
  const fixes = platforms.map((platform) =>
    reachability({ ...base, platform, probe: platform === "linux" ? base.probe : null })
  );
  assert.ok(fixes.every((answer) => !answer.ok && /api\.host: .*0\.0\.0\.0/.test(answer.fix!)));
  assert.match(fixes[0].fix!, /api\.host: 172\.17\.0\.1 \(the docker0 bridge/);
  assert.match(fixes[1].fix!, /localhost forwarding/);
  assert.match(fixes[2].fix!, /mirrored/);
});

Deno.test("reach: what the daemon answered as the containers ask decides, with what to change", () => {
  const bound = { ...base, apiHost: "172.17.0.1" };
  assert.deepEqual(reachability({ ...bound, probe: { status: 200 } }), {
    ok: true,
    detail: "breakwater answers the containers at host.docker.internal:8787 (172.17.0.1)",
    fix: null,
  });
  assert.match(
    reachability({ ...bound, probe: { status: 401 } }).detail,
    /refuses the stack's token/,
  );
  assert.match(reachability({ ...bound, probe: { status: 421 } }).fix!, /restart deno task watch/);
  assert.match(reachability({ ...bound, probe: { status: 404 } }).fix!, /free port 8787/);
  assert.match(reachability(bound).fix!, /start breakwater: deno task watch/);
  assert.match(
    reachability({ ...bound, apiHost: "10.0.0.5" }).fix!,
    /api\.host is 10\.0\.0\.5, not host\.docker\.internal's 172\.17\.0\.1/,
  );
  assert.match(
    reachability({ ...bound, allowedHosts: ["x"], probe: { status: 200 } }).fix!,
    /add host\.docker\.internal to api\.allowedHosts/,
    "the config is read first: a daemon that answers now refuses after its next restart",
  );
  assert.deepEqual(
    reachability({ ...bound, platform: "docker-desktop", apiHost: "0.0.0.0", probe: null }).ok,
    true,
    "where this machine cannot ask as the containers do, Prometheus's scrape tells",
  );
});
