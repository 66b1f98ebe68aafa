import React from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { locationService } from '@grafana/runtime';
import { statusFixture } from '../../test/fixtures';
import { PROXY, server, setupMswServer } from '../../test/server';
import { HostSwitch } from './HostSwitch';

setupMswServer();

const hosts = [
  { slot: 0, name: 'desktop' },
  { slot: 3, name: 'laptop' },
];

const view = (client: { slot: number }, host: { name: string }) => (
  <span>
    {host.name} through slot {client.slot}
  </span>
);

describe('HostSwitch', () => {
  beforeEach(() => locationService.replace('/d/breakwater-kpi'));

  it("says so when the app's hosts could not be read, and shows this machine's daemon", () => {
    render(
      <HostSwitch hosts={[hosts[0]]} hostsError="Permission denied">
        {view}
      </HostSwitch>
    );
    expect(screen.getByText("The app's other hosts could not be read: Permission denied")).toBeInTheDocument();
    expect(screen.getByText('desktop through slot 0')).toBeInTheDocument();
  });

  it('with one daemon shows its view alone, with no picker', () => {
    render(<HostSwitch hosts={[hosts[0]]}>{view}</HostSwitch>);
    expect(screen.getByText('desktop through slot 0')).toBeInTheDocument();
    expect(screen.queryByRole('radiogroup')).not.toBeInTheDocument();
  });

  it('shows every host at a glance, a refused one with its error, and switches the dashboard variable', async () => {
    const user = userEvent.setup({ delay: null });
    server.use(
      http.get(`${PROXY}/status`, () => HttpResponse.json(statusFixture())),
      http.get(`${PROXY}/hosts/3/status`, () =>
        HttpResponse.json({ error: 'unauthorized', message: 'missing or wrong bearer token' }, { status: 401 })
      )
    );
    render(<HostSwitch hosts={hosts}>{view}</HostSwitch>);
    const desktop = await screen.findByRole('row', { name: /desktop/ });
    expect(await within(desktop).findByText('yes')).toBeInTheDocument();
    const laptop = screen.getByRole('row', { name: /laptop/ });
    // A host that refuses the token answered: it is said so in a word, with the reason beside it.
    expect(await within(laptop).findByText('token refused')).toBeInTheDocument();
    expect(within(laptop).getByText(/refused the token \(401/)).toBeInTheDocument();
    expect(within(laptop).queryByText('not answering')).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'laptop' }));
    expect(locationService.getSearchObject()['var-host']).toBe('laptop');
    expect(await screen.findByText('laptop through slot 3')).toBeInTheDocument();
  });

  it('follows the variable when the dashboard changes it', async () => {
    render(<HostSwitch hosts={hosts}>{view}</HostSwitch>);
    locationService.partial({ 'var-host': 'desktop' });
    expect(await screen.findByText('desktop through slot 0')).toBeInTheDocument();
  });
});
