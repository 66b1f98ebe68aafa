import { strictEqual as assertEquals } from "node:assert/strict";
import { grafanaActor } from "./grafana_actor.ts";

const context = (user: Record<string, unknown>) => JSON.stringify({ OrgRole: "Editor", ...user });

Deno.test("grafanaActor: the login from X-Grafana-Context, which Grafana always sets", () => {
  assertEquals(
    grafanaActor(new Headers({ "x-grafana-context": context({ Login: "alice" }) })),
    "grafana:alice",
  );
});

Deno.test("grafanaActor: X-Grafana-Context wins over X-Grafana-User", () => {
  const headers = new Headers({
    "x-grafana-context": context({ Login: "alice" }),
    "x-grafana-user": "bob",
  });
  assertEquals(grafanaActor(headers), "grafana:alice");
});

Deno.test("grafanaActor: X-Grafana-User when there is no usable context", () => {
  assertEquals(grafanaActor(new Headers({ "x-grafana-user": "bob" })), "grafana:bob");
  assertEquals(
    grafanaActor(new Headers({ "x-grafana-context": "{not json", "x-grafana-user": "bob" })),
    "grafana:bob",
  );
  assertEquals(
    grafanaActor(
      new Headers({ "x-grafana-context": context({ Login: 42 }), "x-grafana-user": "bob" }),
    ),
    "grafana:bob",
  );
});

Deno.test("grafanaActor: an anonymous Grafana user, and nothing usable at all", () => {
  assertEquals(
    grafanaActor(new Headers({ "x-grafana-context": context({ Login: "", IsAnonymous: true }) })),
    "grafana:anonymous",
  );
  assertEquals(grafanaActor(new Headers()), "api");
  assertEquals(grafanaActor(new Headers({ "x-grafana-user": "x".repeat(129) })), "api");
  assertEquals(
    grafanaActor(new Headers({ "x-grafana-context": '{"Login":"a\\u202eb"}' })),
    "api",
  );
});
