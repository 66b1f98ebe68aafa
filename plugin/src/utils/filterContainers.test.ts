import { containerFixture } from '../test/fixtures';
import { filterContainers } from './filterContainers';

const containers = [
  containerFixture({ name: 'ollama', labels: { 'breakwater.gpu-owner': 'true' } }),
  containerFixture({ name: 'ingest-tg', labels: { 'breakwater.heal': 'true' } }),
  containerFixture({ name: 'ingest-wa', labels: { 'breakwater.heal': 'false' } }),
];
const names = (scope: 'all' | 'label' | 'pattern', value = '') =>
  filterContainers(containers, { scope, label: value, pattern: value }).map((c) => c.name);

describe('filterContainers', () => {
  it('all, by label key, by key=value, by name pattern', () => {
    expect(names('all')).toEqual(['ollama', 'ingest-tg', 'ingest-wa']);
    expect(names('label', 'breakwater.heal')).toEqual(['ingest-tg', 'ingest-wa']);
    expect(names('label', 'breakwater.heal=true')).toEqual(['ingest-tg']);
    expect(names('pattern', 'ingest-*')).toEqual(['ingest-tg', 'ingest-wa']);
    expect(names('pattern', 'ingest-t?')).toEqual(['ingest-tg']);
    expect(names('pattern', 'o.lama')).toEqual([]);
  });
});
