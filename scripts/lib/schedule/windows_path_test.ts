import assert from "node:assert/strict";
import { join } from "node:path";
import { windowsPathOf } from "./windows_path.ts";

const STAND_IN = new URL("../../../tests/support/fake_wslpath", import.meta.url).pathname;

/** Runs `body` with the wslpath stand-in first on PATH, as WSL2 has the real one. */
async function withWslpath(body: () => Promise<void>) {
  const path = Deno.env.get("PATH") ?? "";
  Deno.env.set("PATH", `${STAND_IN}:${path}`);
  Deno.env.set("WSL_DISTRO_NAME", "Debian");
  try {
    await body();
  } finally {
    Deno.env.set("PATH", path);
    Deno.env.delete("WSL_DISTRO_NAME");
  }
}

Deno.test("wslpath stand-in: converts with -w, and refuses a path that does not exist", async () => {
  const run = (...args: string[]) =>
    new Deno.Command(join(STAND_IN, "wslpath"), { args, stdout: "piped", stderr: "piped" })
      .output();
  const home = await run("-w", "/tmp");
  assert.equal(new TextDecoder().decode(home.stdout).trim(), "\\\\wsl.localhost\\Ubuntu\\tmp");
  assert.equal((await run("-w", "/no/such/path")).code, 1);
});

Deno.test("windowsPathOf: any location under WSL2 through wslpath, a missing file below its folder", async () => {
  const dir = await Deno.makeTempDir();
  await withWslpath(async () => {
    assert.equal(
      await windowsPathOf(join(dir, "state", "breakwater-task.xml"), "linux"),
      `\\\\wsl.localhost\\Debian${dir.replaceAll("/", "\\")}\\state\\breakwater-task.xml`,
    );
  });
  assert.equal(
    await windowsPathOf("C:\\Users\\me\\task.xml", "windows"),
    "C:\\Users\\me\\task.xml",
  );
  await Deno.remove(dir, { recursive: true });
});
