import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveToken, tokenMatches } from "./token.ts";

Deno.test("token: a file, then BREAKWATER_TOKEN, else generated once with mode 0600", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "token");
  await Deno.writeTextFile(file, "from-file\n");
  const env = (values: Record<string, string>) => (name: string) => values[name];
  assert.deepEqual(
    await resolveToken({ tokenFile: file, stateDir: dir, env: env({ BREAKWATER_TOKEN: "e" }) }),
    {
      token: "from-file",
      source: "tokenFile",
      path: file,
    },
  );
  assert.equal(
    (await resolveToken({ stateDir: dir, env: env({ BREAKWATER_TOKEN: "from-env" }) })).token,
    "from-env",
  );
  const planned = await resolveToken({
    stateDir: join(dir, "state"),
    env: env({}),
    generate: false,
  });
  assert.deepEqual(planned, { token: "", source: "generated", path: join(dir, "state/api-token") });
  assert.equal(await Deno.stat(join(dir, "state")).catch(() => null), null, "nothing made");
  const generated = await resolveToken({ stateDir: join(dir, "state"), env: env({}) });
  assert.equal(generated.source, "generated");
  assert.match(generated.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Deno.statSync(generated.path!).mode! & 0o777, 0o600);
  assert.equal(
    (await resolveToken({ stateDir: join(dir, "state"), env: env({}) })).token,
    generated.token,
    "kept",
  );
  await Deno.writeTextFile(file, "  \n");
  await assert.rejects(
    () => resolveToken({ tokenFile: file, stateDir: dir, env: env({}) }),
    /is empty/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("token comparison", () => {
  assert.equal(tokenMatches("abc", "abc"), true);
  assert.equal(tokenMatches("abd", "abc"), false);
  assert.equal(tokenMatches("ab", "abc"), false);
  assert.equal(tokenMatches("", "abc"), false);
});
