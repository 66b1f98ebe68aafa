import assert from "node:assert/strict";
import { defaultStateDir } from "./state_dir.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("state lives in the per-user state directory of each platform", () => {
  assert.equal(
    defaultStateDir(env({ HOME: "/home/u" }), "linux"),
    "/home/u/.local/state/breakwater",
  );
  assert.equal(
    defaultStateDir(env({ HOME: "/home/u", XDG_STATE_HOME: "/xdg" }), "linux"),
    "/xdg/breakwater",
  );
  assert.equal(
    defaultStateDir(env({ HOME: "/Users/u" }), "darwin"),
    "/Users/u/Library/Application Support/breakwater",
  );
  assert.match(
    defaultStateDir(env({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }), "windows"),
    /AppData.Local.breakwater.state$/,
  );
});
