/**
 * Keeps the parts of breakwater's npm dependencies that serve features it does not offer from
 * loading. They are required eagerly all the same, and cost the daemon about 12 MB of memory
 * (`deno task bench footprint`); `ssh2` also brings WebAssembly, which the daemon's `--jitless`
 * cannot run.
 *
 * - docker-modem's SSH transport (`ssh2`): breakwater refuses `ssh://` engine addresses.
 * - dockerode's BuildKit session (`@grpc/grpc-js`, `protobufjs`) and build-context packer
 *   (`tar-fs`): breakwater builds no images.
 * - prom-client's exemplar support (`@opentelemetry/api`), used only by its default metrics,
 *   which breakwater does not register.
 *
 * Each is put in Node's module cache as a module that throws if it is ever used. Imported for its
 * effect, before `dockerode` and `prom-client`, by the modules that import them.
 * @module
 */
import { createRequire, Module } from "node:module";

const require = createRequire(import.meta.url);

/** A part left out: where it is required from, what, and why it is not needed. */
interface UnusedPart {
  /** The requiring package, then the modules along the way. */
  from: string[];
  specifier: string;
  reason: string;
}

const UNUSED_PARTS: UnusedPart[] = [
  { from: ["dockerode", "docker-modem"], specifier: "./ssh.js", reason: "ssh:// engines" },
  { from: ["dockerode"], specifier: "./session.js", reason: "BuildKit image builds" },
  { from: ["dockerode"], specifier: "tar-fs", reason: "image build contexts" },
  { from: ["prom-client"], specifier: "@opentelemetry/api", reason: "exemplars" },
];

for (const part of UNUSED_PARTS) {
  try {
    const path = resolvePath(part);
    if (require.cache[path]) continue; // already loaded for real: leave it be
    require.cache[path] = unusedModule(path, part);
  } catch {
    // A dependency moved its files: it loads in full, which costs memory but nothing else.
  }
}

function resolvePath({ from, specifier }: UnusedPart): string {
  let base = import.meta.filename!;
  for (const name of from) base = createRequire(base).resolve(name);
  return createRequire(base).resolve(specifier);
}

function unusedModule(path: string, part: UnusedPart): NodeJS.Module {
  const unused = () => {
    throw new Error(`${part.specifier} (${part.reason}) is left out of breakwater`);
  };
  const module = new Module(path) as NodeJS.Module & { filename: string; loaded: boolean };
  module.filename = path;
  module.loaded = true;
  module.exports = unused;
  return module;
}
