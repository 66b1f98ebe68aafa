import { configuredHosts } from './hosts';

describe('configuredHosts', () => {
  it('is the app own daemon alone when nothing else is set (the one-host setup unchanged)', () => {
    expect(configuredHosts(undefined)).toEqual([{ slot: 0, name: 'local' }]);
    expect(configuredHosts({ apiUrl: 'http://x:8787' })).toEqual([{ slot: 0, name: 'local' }]);
  });

  it('adds every slot that has an address, named, in slot order', () => {
    expect(
      configuredHosts({
        hostName: 'desktop',
        host2Url: 'http://laptop:8787',
        host2Name: 'laptop',
        host1Name: 'no address, no host',
        host5Url: 'http://lab:8787',
      })
    ).toEqual([
      { slot: 0, name: 'desktop' },
      { slot: 2, name: 'laptop' },
      { slot: 5, name: 'host 5' },
    ]);
  });
});
