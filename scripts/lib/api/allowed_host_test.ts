import assert from "node:assert/strict";
import { allowedHost } from "./allowed_host.ts";

Deno.test("Host: loopback names and the listener's names pass, any port; others are refused", () => {
  const names = ["127.0.0.1", "host.docker.internal"];
  for (const host of ["localhost", "LOCALHOST:8787", "127.0.0.1", "127.1.2.3:1", "[::1]:8787"]) {
    assert.equal(allowedHost(host, names), true, host);
  }
  assert.equal(allowedHost("host.docker.internal:8787", names), true);
  for (const host of ["evil.example", "evil.example:8787", "localhost.evil.example", "", "a:b:c"]) {
    assert.equal(allowedHost(host, names), false, host);
  }
  assert.equal(allowedHost("0.0.0.0", ["0.0.0.0"]), false, "a wildcard listen address is no name");
});
