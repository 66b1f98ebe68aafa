import React from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { AppPluginMeta, PluginType } from '@grafana/data';
import { statusFixture } from '../../test/fixtures';
import { PROXY, server, setupMswServer } from '../../test/server';
import type { AppJsonData } from '../../types';
import { AppConfig, type AppConfigProps } from './AppConfig';

setupMswServer();

function props(meta: Partial<AppPluginMeta<AppJsonData>> = {}): AppConfigProps {
  return {
    plugin: {
      meta: {
        id: 'breakwater-control-app',
        name: 'breakwater',
        type: 'app' as PluginType,
        enabled: true,
        jsonData: { apiUrl: 'http://127.0.0.1:8787' },
        secureJsonFields: {},
        ...meta,
      },
    },
    query: {},
  } as unknown as AppConfigProps;
}

function captureSettings() {
  const saved: unknown[] = [];
  server.use(
    http.post('http://localhost/api/plugins/breakwater-control-app/settings', async ({ request }) => {
      saved.push(await request.json());
      return HttpResponse.json({ message: 'Plugin settings updated' });
    })
  );
  return saved;
}

describe('AppConfig', () => {
  it('saves the URL and leaves the stored token alone when it was not changed', async () => {
    const user = userEvent.setup({ delay: null });
    const saved = captureSettings();
    render(<AppConfig {...props({ secureJsonFields: { token: true } })} />);
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    const url = screen.getByLabelText(/^API URL/);
    await user.clear(url);
    await user.type(url, 'http://host.docker.internal:8787/');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(saved).toEqual([
        { enabled: true, pinned: true, jsonData: { apiUrl: 'http://host.docker.internal:8787', hostName: 'local' } },
      ])
    );
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
  });

  it('sends a new token only once typed, then shows it as configured', async () => {
    const user = userEvent.setup({ delay: null });
    const saved = captureSettings();
    render(<AppConfig {...props({ secureJsonFields: { token: true } })} />);
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    await user.type(screen.getByLabelText(/^Token/), 'new-token');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ secureJsonData: { token: 'new-token' } });
    expect(await screen.findByDisplayValue('configured')).toBeInTheDocument();
  });

  it('tests the connection through the proxy: success, wrong token, unreachable', async () => {
    const user = userEvent.setup({ delay: null });
    server.use(http.get(`${PROXY}/status`, () => HttpResponse.json(statusFixture())));
    render(<AppConfig {...props()} />);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText('Connected: 4 containers, Docker engine reachable, GPU watchdog tripped.')).toBeInTheDocument();
    server.use(http.get(`${PROXY}/status`, () => HttpResponse.json({ error: 'unauthorized', message: 'wrong token' }, { status: 401 })));
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText(/refused the token \(401: wrong token\)/)).toBeInTheDocument();
    server.use(http.get(`${PROXY}/status`, () => HttpResponse.error()));
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText(/Grafana could not reach the control API \(no answer/)).toBeInTheDocument();
  });

  it('adds, names, tests and removes other hosts, each with its own token, none shown again', async () => {
    const user = userEvent.setup({ delay: null });
    const saved = captureSettings();
    server.use(http.get(`${PROXY}/hosts/2/status`, () => HttpResponse.json(statusFixture())));
    render(
      <AppConfig
        {...props({
          jsonData: { apiUrl: 'http://alpha:8787', hostName: 'alpha', host2Name: 'lab', host2Url: 'http://lab:8787' },
          secureJsonFields: { token: true, host2Token: true },
        })}
      />
    );
    expect(screen.getByLabelText(/^Host 2 API URL/)).toHaveValue('http://lab:8787');
    await user.click(screen.getByRole('button', { name: 'Test host 2' }));
    expect(await screen.findByText(/^lab: Connected: 4 containers/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add a host' }));
    await user.type(screen.getByLabelText(/^Host 1 name/), 'laptop');
    await user.type(screen.getByLabelText(/^Host 1 API URL/), 'http://laptop:8787/');
    await user.type(screen.getByLabelText(/^Host 1 token/), 'laptop-token');
    await user.click(screen.getByRole('button', { name: 'Remove host 2' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(saved).toEqual([
        {
          enabled: true,
          pinned: true,
          jsonData: { apiUrl: 'http://alpha:8787', hostName: 'alpha', host1Name: 'laptop', host1Url: 'http://laptop:8787' },
          secureJsonData: { host2Token: '', host1Token: 'laptop-token' },
        },
      ])
    );
    expect(screen.queryByLabelText(/^Host 2 API URL/)).not.toBeInTheDocument();
    expect(screen.getAllByDisplayValue('configured')).toHaveLength(2);
  });

  it("says the test uses the saved settings, beside the host it tested", async () => {
    const user = userEvent.setup({ delay: null });
    server.use(http.get(`${PROXY}/hosts/2/status`, () => HttpResponse.json(statusFixture())));
    render(
      <AppConfig
        {...props({
          jsonData: { apiUrl: 'http://alpha:8787', hostName: 'alpha', host2Name: 'lab', host2Url: 'http://lab:8787' },
          secureJsonFields: { token: true, host2Token: true },
        })}
      />
    );
    const lab = screen.getByRole('group', { name: 'Host 2: lab' });
    await user.click(within(lab).getByRole('button', { name: 'Test host 2' }));
    expect(await within(lab).findByText(/^lab: Connected: 4 containers/)).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Host 2 API URL/), '0');
    await user.click(within(lab).getByRole('button', { name: 'Test host 2' }));
    expect(await within(lab).findByText(/Save first: the test goes through Grafana's proxy/)).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Control API' })).queryByText(/Save first/)).not.toBeInTheDocument();
  });

  it('saves exactly what it shows, however many times: a removed host stays removed', async () => {
    const user = userEvent.setup({ delay: null });
    const saved = captureSettings();
    render(
      <AppConfig
        {...props({
          jsonData: {
            apiUrl: 'http://alpha:8787',
            hostName: 'alpha',
            host1Name: 'laptop',
            host1Url: 'http://laptop:8787',
            host2Name: 'lab',
            host2Url: 'http://lab:8787',
          },
          secureJsonFields: { token: true, host1Token: true, host2Token: true },
        })}
      />
    );
    await user.click(screen.getByRole('button', { name: 'Remove host 2' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    const name = screen.getByLabelText(/^Host 1 name/);
    await user.clear(name);
    await user.type(name, 'travel-laptop');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { apiUrl: 'http://alpha:8787', hostName: 'alpha', host1Name: 'travel-laptop', host1Url: 'http://laptop:8787' },
    });
  });
});
