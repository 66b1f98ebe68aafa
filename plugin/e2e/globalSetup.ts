import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGrafanaStandIn } from './harness/grafanaStandIn';

const PLUGIN_DIR = path.resolve(__dirname, '..');
const REPO = path.resolve(PLUGIN_DIR, '..');
export const TOKEN = 'e2e-token-for-the-plugin-proxy';

/**
 * Builds the harness page, starts the real breakwater daemon (Deno, real Docker engine) on a free
 * loopback port and the Grafana stand-in in front of it, and hands their addresses to the tests.
 */
export default async function globalSetup() {
  execFileSync('npx', ['webpack', '-c', './e2e/harness/webpack.externals.js'], { cwd: PLUGIN_DIR, stdio: 'ignore' });
  execFileSync('deno', ['run', '--allow-all', 'tests/support/build_test_image.ts'], { cwd: REPO, stdio: 'ignore' });
  const dir = mkdtempSync(path.join(tmpdir(), 'breakwater-e2e-'));
  const config = path.join(dir, 'breakwater.yaml');
  writeFileSync(
    config,
    `stateDir: ${path.join(dir, 'state')}\napi:\n  port: 0\ngpu:\n  enabled: false\nheal:\n  enabled: false\nprobes: []\nmetricsInterval: 1s\n`
  );
  const daemon = spawn('deno', ['run', '--allow-all', 'scripts/watch.ts', '--config', config], {
    cwd: REPO,
    env: { ...process.env, BREAKWATER_TOKEN: TOKEN },
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
  const grafana = await startGrafanaStandIn({
    pluginDir: PLUGIN_DIR,
    settings: { jsonData: { apiUrl }, secureJsonData: { token: TOKEN } },
  });
  process.env.GRAFANA_URL = grafana.url;
  process.env.BREAKWATER_STATE = path.join(dir, 'state');
  return async () => {
    await grafana.close();
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  };
}
