import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGrafanaStandIn } from './harness/grafanaStandIn';

const PLUGIN_DIR = path.resolve(__dirname, '..');
const REPO = path.resolve(PLUGIN_DIR, '..');
export const TOKEN = 'e2e-token-for-the-plugin-proxy';
export const TOKEN_B = 'e2e-token-of-the-second-host';

/**
 * Builds the harness page, starts two real breakwater daemons (Deno): "alpha" on the machine's
 * Docker engine and "beta" on a second engine of its own, each on a free loopback port with its own
 * token, and the Grafana stand-in in front of both (beta in host slot 1); hands their addresses
 * to the tests.
 */
export default async function globalSetup() {
  execFileSync('npx', ['webpack', '-c', './e2e/harness/webpack.externals.js'], { cwd: PLUGIN_DIR, stdio: 'ignore' });
  execFileSync('deno', ['run', '--allow-all', 'tests/support/build_test_image.ts'], { cwd: REPO, stdio: 'ignore' });
  const dir = mkdtempSync(path.join(tmpdir(), 'breakwater-e2e-'));
  const alpha = await startDaemon(path.join(dir, 'alpha'), TOKEN, {});
  // The second host: a daemon on a Docker engine of its own.
  const engineB = await startPrivateEngine(path.join(dir, 'engine-b'));
  const beta = await startDaemon(path.join(dir, 'beta'), TOKEN_B, { DOCKER_HOST: `unix://${engineB.socket}` });
  const grafana = await startGrafanaStandIn({
    pluginDir: PLUGIN_DIR,
    settings: {
      jsonData: { apiUrl: alpha.apiUrl, hostName: 'alpha', host1Name: 'beta', host1Url: beta.apiUrl },
      secureJsonData: { token: TOKEN, host1Token: TOKEN_B },
    },
  });
  process.env.GRAFANA_URL = grafana.url;
  process.env.BREAKWATER_STATE = path.join(dir, 'alpha', 'state');
  process.env.BREAKWATER_STATE_B = path.join(dir, 'beta', 'state');
  process.env.ENGINE_B = `unix://${engineB.socket}`;
  return async () => {
    await grafana.close();
    await alpha.stop();
    await beta.stop();
    await engineB.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

/** The real daemon (Deno) on a free loopback port, its state in `dir`. */
async function startDaemon(dir: string, token: string, env: Record<string, string>) {
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'breakwater.yaml');
  writeFileSync(
    config,
    `stateDir: ${path.join(dir, 'state')}\napi:\n  port: 0\ngpu:\n  enabled: false\nheal:\n  enabled: false\nprobes: []\nmetricsInterval: 1s\n`
  );
  const daemon = spawn('deno', ['run', '--allow-all', 'scripts/watch.ts', '--config', config], {
    cwd: REPO,
    env: { ...process.env, ...env, BREAKWATER_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the daemon did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /control API listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    daemon.stdout.on('data', onData);
    daemon.stderr.on('data', onData);
    daemon.on('exit', () => reject(new Error(`the daemon exited:\n${output}`)));
  });
  return {
    apiUrl,
    async stop() {
      daemon.kill('SIGTERM');
      await new Promise((resolve) => daemon.once('exit', resolve));
    },
  };
}

/** Debian's dockerd on a socket of its own (no iptables, no bridge), with the test image built in. */
async function startPrivateEngine(dir: string) {
  mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'docker.sock');
  const dockerd = spawn(
    'dockerd',
    [
      `--data-root=${path.join(dir, 'data')}`,
      `--exec-root=${path.join(dir, 'exec')}`,
      `--pidfile=${path.join(dir, 'dockerd.pid')}`,
      `--host=unix://${socket}`,
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
    ],
    { stdio: 'ignore' }
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      execFileSync('docker', ['-H', `unix://${socket}`, 'version'], { stdio: 'ignore' });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`the second engine did not start: ${error}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  execFileSync('deno', ['run', '--allow-all', 'tests/support/build_test_image.ts'], {
    cwd: REPO,
    env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    stdio: 'ignore',
  });
  return {
    socket,
    async stop() {
      dockerd.kill('SIGTERM');
      await new Promise((resolve) => dockerd.once('exit', resolve));
    },
  };
}
