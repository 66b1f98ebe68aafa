import assert from "node:assert/strict";
import { nestedMountPoints, publishedAddress } from "./compose_model.ts";

/** The same stack as `docker compose config --format json` (v2) writes it. */
const v2 = {
  services: {
    prometheus: {
      ports: [{ mode: "ingress", host_ip: "127.0.0.1", target: 9090, published: "9090" }],
    },
    grafana: {
      ports: [{ target: 3000, published: "3001" }],
    },
  },
};

/** And as `docker-compose config` (v1) writes it. */
const v1 = {
  services: {
    prometheus: {
      ports: ["127.0.0.1:9090:9090/tcp"],
    },
    grafana: { ports: ["3001:3000/tcp"] },
  },
};

Deno.test("compose model: published addresses from v2's JSON and v1's YAML", () => {
  for (const model of [v2, v1]) {
    assert.deepEqual(publishedAddress(model, "prometheus", 9090), {
      host: "127.0.0.1",
      port: 9090,
    });
    assert.deepEqual(publishedAddress(model, "grafana", 3000), { host: "127.0.0.1", port: 3001 });
    assert.equal(publishedAddress(model, "grafana", 9999), null);
    assert.equal(publishedAddress(model, "nothing", 1), null);
  }
});

Deno.test("compose model: mount points inside another bind are found, in both versions' syntax", () => {
  const long = (source: string, target: string) => ({ type: "bind", source, target });
  const grafana = (volumes: unknown[]) => ({ services: { grafana: { volumes } } });
  const expected = ["/data/grafana/plugins/app", "/data/grafana/dashboards"];
  assert.deepEqual(
    nestedMountPoints(grafana([
      long("/src/plugin/dist", "/var/lib/grafana/plugins/app"),
      long("/src/dashboards", "/var/lib/grafana/dashboards"),
      long("/data/grafana", "/var/lib/grafana"),
      { type: "volume", source: "cache", target: "/var/lib/grafana/cache" },
      long("/src/provisioning", "/etc/grafana/provisioning"),
    ])),
    expected,
  );
  assert.deepEqual(
    nestedMountPoints(grafana([
      "/src/plugin/dist:/var/lib/grafana/plugins/app:ro",
      "/src/dashboards:/var/lib/grafana/dashboards:ro",
      "/data/grafana:/var/lib/grafana:rw",
    ])),
    expected,
  );
  assert.deepEqual(nestedMountPoints(grafana(["/data/grafana:/var/lib/grafana-x:rw"])), []);
});
