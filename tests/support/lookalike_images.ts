import type Docker from "dockerode";
import { Buffer } from "node:buffer";
import tar from "tar-stream";

/**
 * Images that stand in for the stack's official ones, built locally (no registry is reachable) to
 * match each in what matters for running it: the user it runs as, its paths and their owners, its
 * entrypoint, and the tool its healthcheck calls. Each fact is cited from the official Dockerfile.
 * Prometheus, Alertmanager and node-exporter are the real programs (Debian's binaries); Grafana,
 * Ollama and OpenClaw, which cannot run here, are small look-alikes that do what the real ones do
 * with their files on start.
 * @module
 */

interface Entry {
  name: string;
  type?: "file" | "directory" | "symlink";
  mode?: number;
  uid?: number;
  gid?: number;
  content?: Uint8Array;
  linkname?: string;
}

const encoder = new TextEncoder();
const text = (value: string) => encoder.encode(value);

/** The users the images know, as their /etc/passwd says. */
const PASSWD = [
  "root:x:0:0:root:/root:/bin/sh",
  "node:x:1000:1000::/home/node:/bin/sh",
  "grafana:x:472:0::/home/grafana:/sbin/nologin",
  "nobody:x:65534:65534:nobody:/home:/bin/false",
].join("\n") + "\n";
const GROUP = ["root:x:0:", "node:x:1000:", "nogroup:x:65534:"].join("\n") + "\n";

/** Debian's static busybox and its applets: `sh`, and `wget`, the tool most healthchecks call. */
async function busybox(): Promise<Entry[]> {
  const binary = await Deno.readFile("/bin/busybox");
  const applets = new TextDecoder().decode(
    (await new Deno.Command("/bin/busybox", { args: ["--list"] }).output()).stdout,
  ).split("\n").filter((name) => name && name !== "busybox");
  return [
    { name: "bin", type: "directory", mode: 0o755 },
    { name: "bin/busybox", mode: 0o755, content: binary },
    ...applets.map((applet): Entry => ({
      name: `bin/${applet}`,
      type: "symlink",
      linkname: "busybox",
    })),
    { name: "tmp", type: "directory", mode: 0o1777 },
    { name: "etc", type: "directory", mode: 0o755 },
    { name: "etc/passwd", mode: 0o644, content: text(PASSWD) },
    { name: "etc/group", mode: 0o644, content: text(GROUP) },
  ];
}

/** A host program at `target` in the image, with the shared libraries `ldd` says it loads. */
async function hostProgram(path: string, target: string): Promise<Entry[]> {
  const ldd = new TextDecoder().decode(
    (await new Deno.Command("ldd", { args: [path] }).output()).stdout,
  );
  const libraries = [...ldd.matchAll(/(\/\S+\.so[.\d]*)/g)].map((match) => match[1]);
  const entries: Entry[] = [];
  const folders = new Set<string>();
  for (const library of new Set(libraries)) {
    const folder = library.slice(1, library.lastIndexOf("/"));
    let partial = "";
    for (const part of folder.split("/")) {
      partial = partial ? `${partial}/${part}` : part;
      if (!folders.has(partial)) entries.push({ name: partial, type: "directory", mode: 0o755 });
      folders.add(partial);
    }
    entries.push({ name: library.slice(1), mode: 0o755, content: await Deno.readFile(library) });
  }
  entries.push({ name: target, mode: 0o755, content: await Deno.readFile(path) });
  return entries;
}

/** A host folder's files at the same path in the image. */
async function hostFolder(path: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let partial = "";
  for (const part of path.slice(1).split("/")) {
    partial = partial ? `${partial}/${part}` : part;
    entries.push({ name: partial, type: "directory", mode: 0o755 });
  }
  for await (const file of Deno.readDir(path)) {
    if (!file.isFile) continue;
    entries.push({
      name: `${partial}/${file.name}`,
      content: await Deno.readFile(`${path}/${file.name}`),
    });
  }
  return entries;
}

async function importImage(
  docker: Docker,
  reference: string,
  entries: Entry[],
  changes: string[],
): Promise<void> {
  const pack = tar.pack();
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) continue;
    seen.add(entry.name);
    const header = {
      name: entry.name,
      type: entry.type ?? "file",
      mode: entry.mode ?? 0o644,
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      linkname: entry.linkname,
    };
    if (header.type === "file") {
      pack.entry({ ...header, size: entry.content!.length }, Buffer.from(entry.content!));
    } else pack.entry(header);
  }
  pack.finalize();
  const [repo, tag] = [reference.slice(0, reference.lastIndexOf(":")), reference.split(":").at(-1)];
  const stream = await docker.importImage(pack as unknown as NodeJS.ReadableStream, {
    repo,
    tag,
    changes,
  } as Record<string, unknown>);
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output) => error ? reject(error) : resolve(output))
  );
}

const json = (value: unknown) => JSON.stringify(value);

/** What sets one Prometheus project image apart from another. */
interface PrometheusProjectImage {
  /** Debian's binary of it. */
  hostBinary: string;
  /** Its name under /bin. */
  program: string;
  /** Its storage folder, owned by nobody and its working folder, if it keeps data. */
  storage?: string;
  /** Its config folder, owned by nobody. */
  configDir?: string;
  cmd?: string[];
  extra?: Entry[];
}

/**
 * The Prometheus project's images (the Dockerfiles of prometheus/prometheus,
 * prometheus/alertmanager and prometheus/node_exporter): a busybox base (wget for the
 * healthchecks), the program at /bin/<name>, config and storage folders owned by nobody,
 * `USER nobody`, `WORKDIR` the storage folder, `ENTRYPOINT ["/bin/<name>"]`.
 */
async function prometheusProject(
  docker: Docker,
  reference: string,
  image: PrometheusProjectImage,
): Promise<void> {
  const nobodys = (folder: string): Entry => ({
    name: folder.slice(1),
    type: "directory",
    mode: 0o755,
    uid: 65534,
    gid: 65534,
  });
  await importImage(docker, reference, [
    ...await busybox(),
    ...await hostProgram(image.hostBinary, `bin/${image.program}`),
    ...(image.extra ?? []),
    ...[image.configDir, image.storage].filter((folder) => folder !== undefined).map(nobodys),
  ], [
    "USER nobody",
    ...(image.storage ? [`WORKDIR ${image.storage}`] : []),
    `ENTRYPOINT ${json([`/bin/${image.program}`])}`,
    ...(image.cmd ? [`CMD ${json(image.cmd)}`] : []),
    "ENV PATH=/bin",
  ]);
}

/** prom/prometheus: its CMD points at /etc/prometheus/prometheus.yml and /prometheus. */
const prometheus = (docker: Docker, reference: string) =>
  prometheusProject(docker, reference, {
    hostBinary: "/usr/bin/prometheus",
    program: "prometheus",
    configDir: "/etc/prometheus",
    storage: "/prometheus",
    cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
  });

/** prom/alertmanager: its CMD points at /etc/alertmanager/alertmanager.yml and /alertmanager. */
const alertmanager = async (docker: Docker, reference: string) =>
  prometheusProject(docker, reference, {
    hostBinary: "/usr/bin/prometheus-alertmanager",
    program: "alertmanager",
    configDir: "/etc/alertmanager",
    storage: "/alertmanager",
    cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
    // Debian's build reads its notification templates from here; the official one embeds them.
    extra: await hostFolder("/usr/share/prometheus/alertmanager"),
  });

/** prom/node-exporter: no config and no storage. */
const nodeExporter = (docker: Docker, reference: string) =>
  prometheusProject(docker, reference, {
    hostBinary: "/usr/bin/prometheus-node-exporter",
    program: "node_exporter",
  });

/**
 * The Grafana look-alike's /run.sh: first the official image's start-up checks, word for word in
 * effect (grafana/grafana packaging/docker/run.sh: config readable, data writable, home
 * readable, plugins folder made), then what `grafana server` does with its files before it
 * answers: its database in the data folder, every provisioning file read, the app's
 * provisioned token expanded from the environment as Grafana expands `$VAR`. It reports what it
 * found in `$GF_PATHS_DATA/lookalike.json` and answers `/api/health` as Grafana does.
 */
const GRAFANA_RUN = `#!/bin/sh
PERMISSIONS_OK=0
if [ ! -r "$GF_PATHS_CONFIG" ]; then
  echo "GF_PATHS_CONFIG='$GF_PATHS_CONFIG' is not readable."; PERMISSIONS_OK=1
fi
if [ ! -w "$GF_PATHS_DATA" ]; then
  echo "GF_PATHS_DATA='$GF_PATHS_DATA' is not writable."; PERMISSIONS_OK=1
fi
if [ ! -r "$GF_PATHS_HOME" ]; then
  echo "GF_PATHS_HOME='$GF_PATHS_HOME' is not readable."; PERMISSIONS_OK=1
fi
if [ $PERMISSIONS_OK -eq 1 ]; then
  echo "You may have issues with file permissions, more information here: http://docs.grafana.org/installation/docker/#migrate-to-v51-or-later"
fi
if [ ! -d "$GF_PATHS_PLUGINS" ]; then mkdir "$GF_PATHS_PLUGINS" || exit 1; fi
export HOME="$GF_PATHS_HOME"
echo "start $(date +%s)" >> "$GF_PATHS_DATA/grafana.db" || { echo "unable to open database file" >&2; exit 1; }
for file in $(find "$GF_PATHS_PROVISIONING" "$GF_PATHS_PLUGINS/" -type f); do
  cat "$file" > /dev/null || { echo "cannot read $file" >&2; exit 1; }
done
app=$(grep -l "breakwater-control-app" "$GF_PATHS_PROVISIONING"/plugins/*.yaml) || { echo "no app provisioning" >&2; exit 1; }
reference=$(sed -n 's/^ *token: *//p' "$app")
token=$(eval "printf %s \\"$reference\\"")
printf '{"uid":%s,"gid":%s,"permissionsOk":%s,"tokenReference":"%s","token":"%s","plugin":%s}\\n' \\
  "$(id -u)" "$(id -g)" "$([ $PERMISSIONS_OK -eq 0 ] && echo true || echo false)" "$reference" "$token" \\
  "$([ -r "$GF_PATHS_PLUGINS/breakwater-control-app/plugin.json" ] && echo true || echo false)" \\
  > "$GF_PATHS_DATA/lookalike.json" || exit 1
mkdir -p /tmp/www/api && echo '{"database":"ok","version":"13.2.3"}' > /tmp/www/api/health
exec httpd -f -p 3000 -h /tmp/www
`;

/**
 * grafana/grafana (grafana/grafana packaging/docker/Dockerfile): `USER 472` in group 0, the
 * `GF_PATHS_*` variables, /var/lib/grafana and /etc/grafana/provisioning owned by 472:0 and mode
 * 777, `WORKDIR /usr/share/grafana`, `ENTRYPOINT ["/run.sh"]`; its Alpine base has busybox wget.
 */
async function grafana(docker: Docker, reference: string): Promise<void> {
  const grafanaOwned = { uid: 472, gid: 0, mode: 0o777, type: "directory" as const };
  await importImage(docker, reference, [
    ...await busybox(),
    { name: "etc/grafana", type: "directory", mode: 0o755 },
    { name: "etc/grafana/grafana.ini", mode: 0o644, content: text("; sample.ini\n") },
    { name: "etc/grafana/provisioning", ...grafanaOwned },
    { name: "usr", type: "directory", mode: 0o755 },
    { name: "usr/share", type: "directory", mode: 0o755 },
    { name: "usr/share/grafana", type: "directory", mode: 0o755 },
    { name: "var", type: "directory", mode: 0o755 },
    { name: "var/lib", type: "directory", mode: 0o755 },
    { name: "var/lib/grafana", ...grafanaOwned },
    { name: "var/lib/grafana/plugins", ...grafanaOwned },
    { name: "var/log", type: "directory", mode: 0o755 },
    { name: "var/log/grafana", ...grafanaOwned },
    { name: "run.sh", mode: 0o755, content: text(GRAFANA_RUN) },
  ], [
    "USER 472",
    "WORKDIR /usr/share/grafana",
    "ENV PATH=/bin GF_PATHS_CONFIG=/etc/grafana/grafana.ini GF_PATHS_DATA=/var/lib/grafana " +
    "GF_PATHS_HOME=/usr/share/grafana GF_PATHS_LOGS=/var/log/grafana " +
    "GF_PATHS_PLUGINS=/var/lib/grafana/plugins GF_PATHS_PROVISIONING=/etc/grafana/provisioning",
    `ENTRYPOINT ${json(["/run.sh"])}`,
  ]);
}

/**
 * The Ollama look-alike's /bin/ollama: `serve` makes `~/.ollama` and its key there, as the real
 * server does on start (and fails, as it does, where it cannot), then answers `/api/tags`; `list`
 * asks the server, as the real `ollama list` of the healthcheck does.
 */
const OLLAMA = `#!/bin/sh
case "$1" in
  serve)
    mkdir -p "$HOME/.ollama/models" || { echo "Error: could not create directory $HOME/.ollama" >&2; exit 1; }
    [ -f "$HOME/.ollama/id_ed25519" ] || echo "key" > "$HOME/.ollama/id_ed25519" || exit 1
    mkdir -p /tmp/www/api && echo '{"models":[]}' > /tmp/www/api/tags
    exec httpd -f -p "\${OLLAMA_HOST##*:}" -h /tmp/www ;;
  list) wget -qO- "http://127.0.0.1:\${OLLAMA_HOST##*:}/api/tags" > /dev/null ;;
  *) echo "look-alike: $1 is not supported" >&2; exit 1 ;;
esac
`;

/**
 * ollama/ollama (ollama/ollama Dockerfile): runs as root, `ENV OLLAMA_HOST=0.0.0.0:11434`,
 * `ENTRYPOINT ["/bin/ollama"]`, `CMD ["serve"]`; the healthcheck calls `ollama` itself.
 */
async function ollama(docker: Docker, reference: string): Promise<void> {
  await importImage(docker, reference, [
    ...await busybox(),
    { name: "root", type: "directory", mode: 0o700 },
    { name: "bin/ollama", mode: 0o755, content: text(OLLAMA) },
  ], [
    "ENV PATH=/bin OLLAMA_HOST=0.0.0.0:11434 HOME=/root",
    `ENTRYPOINT ${json(["/bin/ollama"])}`,
    `CMD ${json(["serve"])}`,
  ]);
}

/**
 * The OpenClaw look-alike's gateway: reads its config and token as the real gateway does,
 * keeps its state in `~/.openclaw` (the real one writes there, and `.cache`, `.npm` and `media`
 * beside it, on start) and answers `/healthz`.
 */
const OPENCLAW = `
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const home = process.env.HOME;
JSON.parse(readFileSync(process.env.OPENCLAW_CONFIG_PATH, "utf8"));
if (!process.env.OPENCLAW_GATEWAY_TOKEN) throw new Error("gateway.bind lan needs a token");
for (const folder of [".openclaw/state", ".cache", ".npm", "media"]) {
  mkdirSync(join(home, folder), { recursive: true });
}
writeFileSync(join(home, ".openclaw/state/started"), new Date().toISOString());
createServer((request, response) => {
  response.setHeader("content-type", "application/json");
  response.end(request.url === "/healthz" ? '{"ok":true,"status":"live"}' : "{}");
}).listen(18789, "0.0.0.0");
`;

/**
 * ghcr.io/openclaw/openclaw (openclaw/openclaw Dockerfile): `FROM node:22-bookworm`, `USER node`
 * (uid 1000, home /home/node), `WORKDIR /app`, `CMD ["node", "openclaw.mjs", "gateway", …]`; the
 * healthcheck calls `node`. The host's Node stands in for the image's.
 */
async function openclaw(docker: Docker, reference: string): Promise<void> {
  await importImage(docker, reference, [
    ...await busybox(),
    ...await hostProgram(Deno.realPathSync("/usr/bin/node"), "usr/local/bin/node"),
    { name: "home", type: "directory", mode: 0o755 },
    { name: "home/node", type: "directory", mode: 0o755, uid: 1000, gid: 1000 },
    { name: "app", type: "directory", mode: 0o755, uid: 1000, gid: 1000 },
    { name: "app/openclaw.mjs", mode: 0o644, uid: 1000, gid: 1000, content: text(OPENCLAW) },
  ], [
    "USER node",
    "WORKDIR /app",
    "ENV PATH=/usr/local/bin:/bin HOME=/home/node NODE_ENV=production",
    `CMD ${json(["node", "openclaw.mjs", "gateway", "--allow-unconfigured"])}`,
  ]);
}

/** Each image of the stack's default services, by the reference compose.yaml gives it. */
const BUILDERS: Record<string, (docker: Docker, reference: string) => Promise<void>> = {
  prometheus,
  alertmanager,
  "node-exporter": nodeExporter,
  grafana,
  ollama,
  openclaw,
};

/** Builds a look-alike for each of the stack's default services into `docker`, under its image. */
export async function buildLookalikeImages(
  docker: Docker,
  images: Record<string, string>,
): Promise<void> {
  for (const [service, build] of Object.entries(BUILDERS)) {
    const reference = images[service];
    if (!reference) throw new Error(`the stack has no ${service} service`);
    await build(docker, reference);
  }
}
