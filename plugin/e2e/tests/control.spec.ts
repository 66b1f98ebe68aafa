import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';

const SHOTS = `${__dirname}/../artifacts`;
const grafana = () => process.env.GRAFANA_URL!;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
/** The second host's engine. */
const dockerB = (...args: string[]) => docker('-H', process.env.ENGINE_B!, ...args);
const startedAt = (name: string) => docker('inspect', '-f', '{{.State.StartedAt}}', name);
const startedAtB = (name: string) => dockerB('inspect', '-f', '{{.State.StartedAt}}', name);
const sleeper = (name: string) => [
  'run',
  '-d',
  '--name',
  name,
  '--network',
  'none',
  '--label',
  'breakwater.stop-timeout=0',
  '--label',
  'breakwater.heal=true',
  'breakwater-test-busybox:latest',
  'sleep',
  '100000',
];

let name: string;
let nameB: string;

test.beforeAll(() => {
  name = `bw-e2e-${Date.now().toString(36)}`;
  nameB = `${name}-b`;
  docker(...sleeper(name));
  dockerB(...sleeper(nameB));
  // A container that has exited: a problem the panel must show first.
  docker('run', '--name', `${name}-gone`, '--network', 'none', 'breakwater-test-busybox:latest', 'true');
});

test.afterAll(() => {
  docker('rm', '-f', name, `${name}-gone`);
  dockerB('rm', '-f', nameB);
});

/** Sets this machine's token in the app's settings, as an Admin would on the config page. */
const setToken = (page: Page, token: string) =>
  page.evaluate(
    (value) =>
      fetch('/api/plugins/breakwater-control-app/settings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secureJsonData: { token: value } }),
      }).then((response) => response.status),
    token
  );

async function openPanel(page: Page, role: string) {
  await page.goto(`${grafana()}/?view=panel&role=${role}&user=${role.toLowerCase()}&pattern=${name}&var-host=alpha`);
  await expect(page.getByRole('cell', { name, exact: true }).first()).toBeVisible({ timeout: 30_000 });
  expect(await page.locator('body').getAttribute('data-harness-error')).toBeNull();
}

test('as Editor, restart a real container through the panel, confirmed, journaled with the user', async ({ page }) => {
  await openPanel(page, 'Editor');
  await page.screenshot({ path: `${SHOTS}/panel-editor.png`, fullPage: true });
  const before = startedAt(name);
  await page.getByRole('button', { name: `Restart ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText(`Restart ${name}?`)).toBeVisible();
  await expect(dialog.getByText(`breakwater will restart the container ${name}.`, { exact: false })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/panel-confirm.png` });
  const restartButton = page.getByRole('button', { name: `Restart ${name}` });
  const placed = await restartButton.boundingBox();
  const sameButton = await restartButton.elementHandle();
  await dialog.getByRole('button', { name: 'Restart' }).click();
  // Success is Grafana's toast, not an alert that pushes the view down.
  await expect(page.getByTestId('grafana-toasts').getByText(`Restart ${name}: ok`)).toBeVisible();
  expect(startedAt(name)).not.toBe(before);
  // Docker's own count stays 0 after a restart it did not decide; breakwater's is beside it.
  await expect(page.getByText('0 · 1 by breakwater')).toBeVisible({ timeout: 15_000 });
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
  await expect(row.getByText(/^restart by editor · /)).toBeVisible();
  // The new last action, and the new numbers, move no button, nor replace it (focus, hover).
  await expect(restartButton).toBeVisible();
  expect(await restartButton.boundingBox()).toEqual(placed);
  expect(await sameButton!.evaluate((button) => button.isConnected)).toBe(true);
  const journalRow = page.getByRole('row').filter({ hasText: 'grafana:editor' }).filter({ hasText: 'restart' });
  await expect(journalRow.first()).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/panel-after-restart.png`, fullPage: true });
});

test("the panel reads again at the dashboard's refresh, and never twice at once", async ({ page }) => {
  let reads = 0;
  let open = 0;
  let most = 0;
  const isStatus = (url: string) => url.endsWith('/api/plugin-proxy/breakwater-control-app/status');
  page.on('request', (request) => {
    if (isStatus(request.url())) {
      reads++;
      most = Math.max(most, ++open);
    }
  });
  const done = (request: { url(): string }) => {
    if (isStatus(request.url())) {
      open--;
    }
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  // The panel's own interval is an hour: every read after the first is the dashboard's.
  await page.goto(`${grafana()}/?view=panel&role=Viewer&user=viewer&pattern=${name}&refresh=3600&var-host=alpha`);
  await expect(page.getByRole('cell', { name, exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => open).toBe(0);
  expect(reads).toBe(1);
  const refresh = page.getByTestId('data-testid RefreshPicker run button');
  await refresh.click();
  await expect.poll(() => reads).toBe(2);
  // Quick refreshes while a read is under way join it: reads happen, never two at a time.
  for (let index = 0; index < 8; index++) {
    await refresh.click();
  }
  await expect.poll(() => open).toBe(0);
  expect(reads).toBeGreaterThan(2);
  expect(most).toBe(1);
});

test('as Viewer, the state shows without buttons, and a forced POST is refused by the proxy', async ({ page }) => {
  await openPanel(page, 'Viewer');
  await expect(page.getByRole('button', { name: /^(Restart|Pause|Stop|Resume|Start) / })).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/panel-viewer.png`, fullPage: true });
  const before = startedAt(name);
  const forced = await page.evaluate(async (container) => {
    const response = await fetch(`/api/plugin-proxy/breakwater-control-app/containers/${container}/restart`, { method: 'POST' });
    return { status: response.status, body: await response.json() };
  }, name);
  expect(forced).toEqual({ status: 403, body: { message: 'plugin proxy route access denied' } });
  expect(startedAt(name)).toBe(before);
});

test('a wrong token shows a clear error, on the config page and in the panel', async ({ page }) => {
  await page.goto(`${grafana()}/?view=config&role=Admin&user=admin`);
  await expect(page.getByLabel(/^Token/)).toHaveValue('configured', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/^Connected: \d+ containers, Docker engine reachable/)).toBeVisible();
  await page.getByRole('group', { name: 'Control API' }).getByRole('button', { name: 'Reset' }).click();
  await page.getByLabel(/^Token/).fill('not-the-token');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/The control API refused the token \(401: wrong token\)/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/config-wrong-token.png`, fullPage: true });

  await page.goto(`${grafana()}/?view=panel&role=Editor&user=editor&pattern=${name}&var-host=alpha`);
  await expect(page.getByText(/The control API refused the token \(401: wrong token\)/)).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: `${SHOTS}/panel-wrong-token.png`, fullPage: true });

  await page.goto(`${grafana()}/?view=config&role=Admin&user=admin`);
  await page.getByRole('group', { name: 'Control API' }).getByRole('button', { name: 'Reset' }).click();
  await page.getByLabel(/^Token/).fill('e2e-token-for-the-plugin-proxy');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/^Connected:/)).toBeVisible();
  // The second host is listed with its own fields and test, through its own routes.
  await expect(page.getByLabel(/^Host 1 name/)).toHaveValue('beta');
  await page.getByRole('button', { name: 'Test host 1' }).click();
  await expect(page.getByText(/^beta: Connected: \d+ containers, Docker engine reachable/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/config-two-hosts.png`, fullPage: true });
});

test('the app page shows the control view and the journal with filters', async ({ page }) => {
  await page.goto(`${grafana()}/?view=app&role=Viewer&user=viewer&var-host=alpha`);
  await expect(page.getByRole('heading', { name: 'Journal' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('cell', { name, exact: true }).first()).toBeVisible();
  await page.getByPlaceholder('Container, action, person or reason').fill('grafana:editor');
  await expect(page.getByRole('row').filter({ hasText: 'grafana:editor' }).first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/app-page.png`, fullPage: true });
});

test('two hosts: pick beta, restart a container there; journaled on beta with the login, alpha untouched', async ({ page }) => {
  await page.goto(`${grafana()}/?view=panel&role=Editor&user=editor&pattern=bw-e2e-*`);
  const overview = page.getByRole('row', { name: /beta/ });
  await expect(overview.getByText('yes')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('row', { name: /alpha/ }).getByText('yes')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/hosts-overview.png`, fullPage: true });
  await page.getByRole('radio', { name: 'beta' }).click();
  await expect(page.getByRole('cell', { name: nameB, exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('cell', { name, exact: true })).toHaveCount(0);
  const beforeA = startedAt(name);
  const beforeB = startedAtB(nameB);
  await page.getByRole('button', { name: `Restart ${nameB}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Restart' }).click();
  await expect(page.getByText(`Restart ${nameB}: ok`)).toBeVisible();
  expect(startedAtB(nameB)).not.toBe(beforeB);
  expect(startedAt(name)).toBe(beforeA);
  const journal = readFileSync(`${process.env.BREAKWATER_STATE_B}/journal.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(journal).toContainEqual(
    expect.objectContaining({ action: 'restart', actor: 'grafana:editor', result: 'ok', container: expect.objectContaining({ name: nameB }) })
  );
  const journalA = readFileSync(`${process.env.BREAKWATER_STATE}/journal.jsonl`, 'utf8');
  expect(journalA).not.toContain(nameB);
  await page.screenshot({ path: `${SHOTS}/hosts-beta-restarted.png`, fullPage: true });
});

test("two hosts: a wrong token for beta is beta's error alone; a Viewer sees both hosts and no buttons", async ({ page }) => {
  const setBetaToken = (token: string) =>
    page.evaluate(
      (host1Token) =>
        fetch('/api/plugins/breakwater-control-app/settings', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ secureJsonData: { host1Token } }),
        }).then((response) => response.status),
      token
    );
  await page.goto(`${grafana()}/?view=panel&role=Admin&user=admin&pattern=bw-e2e-*`);
  await expect(page.getByRole('row', { name: /alpha/ }).getByText('yes')).toBeVisible({ timeout: 30_000 });
  expect(await setBetaToken('not-beta-token')).toBe(200);
  try {
    await page.reload();
    await expect(page.getByRole('row', { name: /beta/ }).getByText(/refused the token \(401/)).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('row', { name: /alpha/ }).getByText('yes')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/hosts-wrong-token.png`, fullPage: true });
  } finally {
    expect(await setBetaToken('e2e-token-of-the-second-host')).toBe(200);
  }

  await page.goto(`${grafana()}/?view=panel&role=Viewer&user=viewer&pattern=bw-e2e-*&var-host=beta`);
  await expect(page.getByRole('cell', { name: nameB, exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('radio', { name: 'alpha' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^(Restart|Pause|Stop|Resume|Start) / })).toHaveCount(0);
});

for (const width of [1400, 600]) {
  test(`at ${width} px: a summary, problems first, every action in reach`, async ({ page }) => {
    await page.setViewportSize({ width, height: 1000 });
    await page.goto(`${grafana()}/?view=panel&role=Editor&user=editor&pattern=${name}*&var-host=alpha&width=${width - 32}`);
    await expect(page.getByRole('cell', { name, exact: true }).first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText('1 exited')).toBeVisible();
    const rows = page.getByRole('table').first().getByRole('row');
    await expect(rows.nth(1)).toContainText(`${name}-gone`);
    for (const label of [`Restart ${name}`, `Pause ${name}`, `Stop ${name}`, `Start ${name}-gone`]) {
      const button = page.getByRole('button', { name: label, exact: true });
      await expect(button).toBeVisible();
      await expect(button).toBeInViewport({ ratio: 1 });
    }
    await page.screenshot({ path: `${SHOTS}/panel-${width}px.png`, fullPage: true });
  });
}

test('stale data: when the token is refused mid-view, the panel says so and holds its actions', async ({ page }) => {
  // An Admin: changing the app's settings needs that role, acting needs Editor or more.
  await openPanel(page, 'Admin');
  await expect(page.getByRole('button', { name: `Restart ${name}` })).toBeEnabled();
  expect(await setToken(page, 'not-the-token')).toBe(200);
  try {
    await expect(page.getByText(/breakwater refused the token: showing the last status/)).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: `Restart ${name}` })).toHaveAttribute('aria-disabled', 'true');
    await page.screenshot({ path: `${SHOTS}/panel-stale.png`, fullPage: true });
  } finally {
    expect(await setToken(page, 'e2e-token-for-the-plugin-proxy')).toBe(200);
  }
  await expect(page.getByRole('button', { name: `Restart ${name}` })).toBeEnabled({ timeout: 30_000 });
});

test('the config page saves exactly what it shows, a second time too', async ({ page }) => {
  const stored = () => page.evaluate(() => fetch('/api/plugins/breakwater-control-app/settings').then((response) => response.json()));
  await page.goto(`${grafana()}/?view=config&role=Admin&user=admin`);
  await expect(page.getByLabel(/^Host 1 name/)).toHaveValue('beta', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Add a host' }).click();
  await page.getByLabel(/^Host 2 name/).fill('gamma');
  await page.getByLabel(/^Host 2 API URL/).fill('http://127.0.0.1:9');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await stored()).jsonData.host2Name).toBe('gamma');
  await page.getByRole('button', { name: 'Remove host 2' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await stored()).jsonData.host2Url).toBeUndefined();
  await page.getByLabel(/^Name/).fill('alpha-renamed');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await stored()).jsonData.hostName).toBe('alpha-renamed');
  const second = (await stored()).jsonData;
  expect(second.host2Name).toBeUndefined();
  expect(second.host2Url).toBeUndefined();
  expect(second.host1Name).toBe('beta');
  await page.getByLabel(/^Name/).fill('alpha');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await stored()).jsonData.hostName).toBe('alpha');
});
