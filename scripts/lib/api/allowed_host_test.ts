import assert from "node:assert/strict";
import { allowedHost, isLoopback, parseAuthority } from "./allowed_host.ts";

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

Deno.test("Host: loopback is an address, not a prefix; a Host is one host and one port", () => {
  for (
    const host of ["127.attacker.example", "127.0.0.1.nip.io", "127.evil", "localhost.localdomain"]
  ) {
    assert.equal(isLoopback(host), false, host);
    assert.equal(allowedHost(host, []), false, host);
  }
  for (const host of ["127.0.0.1", "127.1", "::1", "[::1]", "localhost"]) {
    assert.equal(isLoopback(host), true, host);
  }
  for (
    const host of ["127.0.0.1/x?", "127.0.0.1:70000", "127.0.0.1 :80", "a b", "u@127.0.0.1", "a,b"]
  ) {
    assert.equal(parseAuthority(host), null, host);
  }
  assert.deepEqual(parseAuthority("Example.COM.:80"), { hostname: "example.com", port: 80 });
  assert.equal(allowedHost("192.168.1.20:8787", ["0.0.0.0", "192.168.1.20"]), true);
});

Deno.test("Host: an IP address is this server as the client reached it; a name must be listed", () => {
  for (const host of ["192.0.2.10:8787", "10.1.2.3", "[fe80::1]:8787", "0x7f.1"]) {
    assert.equal(allowedHost(host, []), true, host);
  }
  for (const host of ["laptop.local:8787", "192.0.2.10.nip.io", "rebound.example"]) {
    assert.equal(allowedHost(host, []), false, host);
  }
  assert.equal(allowedHost("laptop.local:8787", ["laptop.local"]), true);
});
