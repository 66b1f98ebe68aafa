import type { Container } from '../api/types';
import type { StackPanelOptions } from '../types';

/** The containers the panel options select: all, those with a label, or those matching a name pattern. */
export function filterContainers(
  containers: readonly Container[],
  options: Pick<StackPanelOptions, 'scope' | 'label' | 'pattern'>
): Container[] {
  if (options.scope === 'label' && options.label.trim()) {
    const [key, ...rest] = options.label.trim().split('=');
    const value = rest.length > 0 ? rest.join('=') : undefined;
    return containers.filter((c) => key in c.labels && (value === undefined || c.labels[key] === value));
  }
  if (options.scope === 'pattern' && options.pattern.trim()) {
    const source = options.pattern
      .trim()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
    const pattern = new RegExp(`^${source}$`);
    return containers.filter((c) => pattern.test(c.name));
  }
  return [...containers];
}
