import { join } from "node:path";

/**
 * Compiles the fake NVML library (fake_nvml/fake_nvml.c) with the system C compiler into a
 * temporary folder and returns its path. The GPU itself cannot exist here; this lets the real
 * FFI binding run against NVML's real struct layouts.
 */
export async function buildFakeNvml(): Promise<string> {
  const source = new URL("./fake_nvml/fake_nvml.c", import.meta.url).pathname;
  const output = join(await Deno.makeTempDir({ prefix: "fake-nvml-" }), "libnvidia-ml.so.1");
  const result = await new Deno.Command("cc", {
    args: ["-shared", "-fPIC", "-O1", "-o", output, source],
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(`cc could not build the fake NVML: ${new TextDecoder().decode(result.stderr)}`);
  }
  return output;
}
