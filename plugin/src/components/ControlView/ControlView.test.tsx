import React from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { AppEvents, EventBusSrv, OrgRole } from '@grafana/data';
import { config, setAppEvents } from '@grafana/runtime';
import { BreakwaterClient } from '../../api/client';
import { containerFixture, journalFixture, statusFixture } from '../../test/fixtures';
import { PROXY, server, setupMswServer } from '../../test/server';
import type { StackPanelOptions } from '../../types';
import { ControlView } from './ControlView';

setupMswServer();

/** What the view tells Grafana to show as toasts (Grafana's AppNotificationList shows them). */
const toasts: unknown[] = [];
const appEvents = new EventBusSrv();
appEvents.on(AppEvents.alertSuccess, (payload) => toasts.push(payload));
setAppEvents(appEvents);
beforeEach(() => (toasts.length = 0));

const options: StackPanelOptions = { scope: 'all', label: '', pattern: '', refreshSeconds: 60, showJournal: true, journalLimit: 10 };

function serve(status = statusFixture()) {
  const posts: Array<{ path: string; body: unknown }> = [];
  server.use(
    http.get(`${PROXY}/status`, () => HttpResponse.json(status)),
    http.get(`${PROXY}/journal`, ({ request }) => {
      expect(new URL(request.url).searchParams.get('limit')).toBe('10');
      return HttpResponse.json({ entries: journalFixture });
    }),
    http.post(`${PROXY}/containers/:name/:action`, async ({ params, request }) => {
      const text = await request.text();
      posts.push({ path: `${params.name}/${params.action}`, body: text ? JSON.parse(text) : null });
      return HttpResponse.json({ entry: { ...journalFixture[0], action: String(params.action), actor: 'grafana:editor' } });
    }),
    http.post(`${PROXY}/watchdog/:action`, ({ params }) => {
      posts.push({ path: `watchdog/${params.action}`, body: null });
      return HttpResponse.json({ armed: params.action === 'arm', entry: { ...journalFixture[0], action: `watchdog-${params.action}`, container: null } });
    })
  );
  return posts;
}

/** The row of a container in the containers table (the first table; the journal is the second). */
const rowOf = (name: string) => within(screen.getAllByRole('table')[0]).getByText(name).closest('tr')!;

const view = (canAct: boolean, overrides: Partial<StackPanelOptions> = {}, width?: number) =>
  render(<ControlView client={new BreakwaterClient()} options={{ ...options, ...overrides }} canAct={canAct} width={width} />);

describe('ControlView', () => {
  it('shows loading, then containers with badges, limits, VRAM, roles, GPU and watchdog state', async () => {
    serve();
    view(false);
    expect(screen.getByText(/Loading breakwater status/)).toBeInTheDocument();
    expect(await screen.findAllByText('ingest')).not.toHaveLength(0);
    const ingestRow = rowOf('ingest');
    expect(within(ingestRow).getByText('running')).toBeInTheDocument();
    expect(within(ingestRow).getByText('healthy')).toBeInTheDocument();
    expect(within(ingestRow).getByText('12.5% / 1.00 CPU')).toBeInTheDocument();
    expect(within(ingestRow).getByText('200 MiB / 512 MiB')).toBeInTheDocument();
    expect(within(ingestRow).getByText('0 · 1 by breakwater')).toBeInTheDocument();
    const ollamaRow = rowOf('ollama');
    expect(within(ollamaRow).getByText('GPU owner')).toBeInTheDocument();
    expect(within(ollamaRow).getByText('136 GiB')).toBeInTheDocument();
    expect(within(rowOf('grafana')).getByText('protected')).toBeInTheDocument();
    expect(within(rowOf('wa-ingest')).getByText('paused by breakwater')).toBeInTheDocument();
    expect(screen.getByText('GPU 0: NVIDIA H200')).toBeInTheDocument();
    expect(screen.getByText('VRAM 96.8%')).toBeInTheDocument();
    expect(screen.getByText('tripped')).toBeInTheDocument();
    expect(screen.getByText(/streak 4\/3 · next rung: stop-top-vram · holding paused: wa-ingest/)).toBeInTheDocument();
    expect(screen.getByText('container is unhealthy')).toBeInTheDocument();
  });

  it('gives viewers the state and no action buttons at all', async () => {
    serve();
    view(false);
    await screen.findAllByText('ingest');
    expect(screen.queryByRole('button', { name: /^(Restart|Pause|Resume|Stop|Start) / })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Arm|Disarm/ })).not.toBeInTheDocument();
  });

  it('gives editors buttons only where acting is allowed, fit to each state', async () => {
    serve();
    view(true);
    await screen.findAllByText('ingest');
    expect(screen.getByRole('button', { name: 'Restart ingest' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop ingest' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resume wa-ingest' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /ollama/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /grafana/ })).not.toBeInTheDocument();
  });

  it('asks for confirmation naming the container and action, then acts and shows the result', async () => {
    const user = userEvent.setup({ delay: null });
    const posts = serve();
    view(true);
    await user.click(await screen.findByRole('button', { name: 'Restart ingest' }));
    expect(screen.getByText('Restart ingest?')).toBeInTheDocument();
    expect(screen.getByText(/breakwater will restart the container ingest/)).toBeInTheDocument();
    expect(posts).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Restart' }));
    await waitFor(() => expect(posts).toEqual([{ path: 'ingest/restart', body: null }]));
    await waitFor(() => expect(toasts).toEqual([['Restart ingest: ok']]));
  });

  it('does nothing when the confirmation is dismissed', async () => {
    const user = userEvent.setup({ delay: null });
    const posts = serve();
    view(true);
    await user.click(await screen.findByRole('button', { name: 'Stop ingest' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(posts).toEqual([]);
  });

  it("shows the API's error message when an action is refused", async () => {
    const user = userEvent.setup({ delay: null });
    serve();
    server.use(
      http.post(`${PROXY}/containers/:name/:action`, () =>
        HttpResponse.json({ error: 'forbidden', message: 'ingest: protected (label breakwater.protected=true)' }, { status: 403 })
      )
    );
    view(true);
    await user.click(await screen.findByRole('button', { name: 'Pause ingest' }));
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(await screen.findByText('ingest: protected (label breakwater.protected=true)')).toBeInTheDocument();
  });

  it('arms and disarms the watchdog after confirmation', async () => {
    const user = userEvent.setup({ delay: null });
    const posts = serve();
    view(true);
    await user.click(await screen.findByRole('button', { name: 'Disarm' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disarm' }));
    await waitFor(() => expect(posts).toEqual([{ path: 'watchdog/disarm', body: null }]));
    await waitFor(() => expect(toasts).toEqual([['GPU watchdog disarmed']]));
  });

  it('says since when a container fails, and its last action with who took it', async () => {
    serve(
      statusFixture({
        containers: [
          containerFixture({ name: 'api', id: 'c1', health: 'unhealthy', unhealthySince: new Date(Date.now() - 5 * 60_000).toISOString() }),
          containerFixture({
            name: 'db',
            id: 'c3',
            lastAction: { action: 'unpause', actor: 'grafana:ada', result: 'failed', at: new Date(Date.now() - 2 * 3_600_000).toISOString() },
          }),
          containerFixture({ name: 'cache', id: 'c2', lastAction: { action: 'restart', actor: 'policy', result: 'ok', at: new Date().toISOString() } }),
        ],
      })
    );
    view(true);
    await screen.findAllByRole('table');
    expect(within(rowOf('api')).getByText('since 5 minutes')).toBeInTheDocument();
    expect(within(rowOf('db')).getByText('resume by ada · 2 hours ago')).toBeInTheDocument();
    expect(within(rowOf('db')).getByText('failed')).toBeInTheDocument();
    expect(within(rowOf('cache')).getByText(/^restart by breakwater · /)).toBeInTheDocument();
    expect(within(rowOf('cache')).queryByText('ok')).not.toBeInTheDocument();
  });

  it('says what is wrong when the API cannot be reached or the token is wrong', async () => {
    serve();
    server.use(http.get(`${PROXY}/status`, () => HttpResponse.json({ message: 'Bad Gateway' }, { status: 502 })));
    const { unmount } = view(false);
    expect(await screen.findByText(/Grafana could not reach the control API \(502: Bad Gateway\)/)).toBeInTheDocument();
    unmount();
    server.use(http.get(`${PROXY}/status`, () => HttpResponse.json({ error: 'unauthorized', message: 'wrong token' }, { status: 401 })));
    view(false);
    expect(await screen.findByText(/The control API refused the token \(401: wrong token\)/)).toBeInTheDocument();
    expect(screen.getByText('breakwater refused the token')).toBeInTheDocument();
    expect(screen.queryByText('breakwater is not answering')).not.toBeInTheDocument();
  });

  it('tells an Admin where to set the token, and anyone else who can', async () => {
    const user = config.bootData.user;
    serve();
    server.use(http.get(`${PROXY}/status`, () => HttpResponse.json({ error: 'unauthorized', message: 'wrong token' }, { status: 401 })));
    try {
      config.bootData.user = { ...user, orgRole: OrgRole.Admin, isGrafanaAdmin: false };
      const { unmount } = view(true);
      expect(await screen.findByRole('link', { name: "Open the app's configuration" })).toHaveAttribute('href', '/plugins/breakwater-control-app');
      unmount();
      config.bootData.user = { ...user, orgRole: OrgRole.Editor, isGrafanaAdmin: false };
      view(true);
      expect(await screen.findByText(/A Grafana Admin can set the right token/)).toBeInTheDocument();
      expect(screen.queryByRole('link', { name: "Open the app's configuration" })).not.toBeInTheDocument();
    } finally {
      config.bootData.user = user;
    }
  });

  it('puts what is wrong first: a summary, the tripped watchdog as a banner, problem rows on top', async () => {
    serve(statusFixture({ containersReadAt: new Date(Date.now() - 3_000).toISOString() }));
    view(true);
    expect(await screen.findByText(/^1 held by the watchdog · updated [34] s ago$/)).toBeInTheDocument();
    expect(screen.getByText('GPU watchdog tripped')).toBeInTheDocument();
    const names = within(screen.getAllByRole('table')[0])
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.querySelector('td')?.textContent);
    expect(names.slice(0, 1)).toEqual(['wa-ingest']);
    expect(within(rowOf('ollama')).getByText('GPU owner: never touched')).toBeInTheDocument();
    expect(within(rowOf('grafana')).getByText('protected: never touched')).toBeInTheDocument();
  });

  it("links each container to its own dashboard, on this host", async () => {
    serve();
    render(<ControlView client={new BreakwaterClient()} options={options} canAct={false} host="alpha" />);
    expect(await screen.findByRole('link', { name: 'ingest' })).toHaveAttribute(
      'href',
      '/d/breakwater-container?var-host=alpha&var-container=ingest'
    );
  });

  it('fits a narrow panel: the essential columns, every action as a labelled icon', async () => {
    const user = userEvent.setup({ delay: null });
    serve();
    view(true, {}, 600);
    await screen.findAllByText('ingest');
    const headers = within(screen.getAllByRole('table')[0])
      .getAllByRole('columnheader')
      .map((header) => header.textContent);
    expect(headers).toEqual(['Container', 'State', 'Health', '']);
    for (const label of ['Restart ingest', 'Pause ingest', 'Stop ingest', 'Resume wa-ingest']) {
      expect(screen.getByRole('button', { name: label })).toBeInTheDocument();
    }
    await user.click(screen.getByRole('button', { name: 'Stop ingest' }));
    expect(within(screen.getByRole('dialog')).getByText(/the GPU memory it held is freed/)).toBeInTheDocument();
  });

  it('says resuming a held container works against the watchdog', async () => {
    const user = userEvent.setup({ delay: null });
    serve();
    view(true);
    await user.click(await screen.findByRole('button', { name: 'Resume wa-ingest' }));
    expect(within(screen.getByRole('dialog')).getByText(/resuming it works against the watchdog/)).toBeInTheDocument();
  });

  it('disables the actions, saying why, while the data is stale', async () => {
    serve();
    view(true, { refreshSeconds: 1 });
    expect(await screen.findByRole('button', { name: 'Restart ingest' })).toBeEnabled();
    server.use(http.get(`${PROXY}/status`, () => HttpResponse.json({ message: 'Bad Gateway' }, { status: 502 })));
    expect(await screen.findByText(/breakwater is not answering: showing the last status/, undefined, { timeout: 3_000 })).toBeInTheDocument();
    const restart = screen.getByRole('button', { name: 'Restart ingest' });
    expect(restart).toHaveAttribute('aria-disabled', 'true');
    await userEvent.setup({ delay: null }).click(restart);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('never sends a request while the last one is still under way', async () => {
    let open = 0;
    let most = 0;
    let calls = 0;
    serve();
    server.use(
      http.get(`${PROXY}/status`, async () => {
        calls++;
        open++;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        open--;
        return HttpResponse.json(statusFixture());
      })
    );
    view(false, { refreshSeconds: 1 });
    await screen.findAllByText('ingest', undefined, { timeout: 4_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(most).toBe(1);
    expect(calls).toBeLessThanOrEqual(2);
  });

  it('shows an empty state when no container matches the filter, and the GPU absence', async () => {
    const fixture = statusFixture();
    serve(
      statusFixture({
        gpu: { source: null, reason: 'no GPU reader: NVML not found', readAt: null, ok: false, gpus: [], attributionAvailable: false },
        watchdog: { ...fixture.watchdog, enabled: false, state: 'off', tripped: false, highStreak: 0 },
      })
    );
    view(false, { scope: 'pattern', pattern: 'nothing-*', showJournal: false });
    expect(await screen.findByText("No containers match the panel's filter.")).toBeInTheDocument();
    expect(screen.getByText('No GPU reading: no GPU reader: NVML not found')).toBeInTheDocument();
    expect(screen.getByText('off')).toBeInTheDocument();
    expect(screen.queryByText(/streak/)).not.toBeInTheDocument();
    expect(screen.queryByText('Journal')).not.toBeInTheDocument();
  });
});
