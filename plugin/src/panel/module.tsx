import { PanelPlugin } from '@grafana/data';
import type { StackPanelOptions } from '../types';
import { StackPanel } from './StackPanel';

export const plugin = new PanelPlugin<StackPanelOptions>(StackPanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'scope',
      name: 'Containers',
      description: 'Which containers the panel shows',
      defaultValue: 'all',
      settings: {
        options: [
          { value: 'all', label: 'All' },
          { value: 'label', label: 'With a label' },
          { value: 'pattern', label: 'Name pattern' },
        ],
      },
    })
    .addTextInput({
      path: 'label',
      name: 'Label',
      description: 'key or key=value, for example breakwater.heal=true',
      defaultValue: 'breakwater.heal=true',
      showIf: (options) => options.scope === 'label',
    })
    .addTextInput({
      path: 'pattern',
      name: 'Name pattern',
      description: '* matches any run of characters, ? one character',
      defaultValue: '*',
      showIf: (options) => options.scope === 'pattern',
    })
    .addNumberInput({
      path: 'refreshSeconds',
      name: 'Refresh every (seconds)',
      defaultValue: 10,
      settings: { min: 1, integer: true },
    })
    .addBooleanSwitch({ path: 'showJournal', name: 'Show the journal', defaultValue: true })
    .addNumberInput({
      path: 'journalLimit',
      name: 'Journal entries',
      defaultValue: 10,
      settings: { min: 1, max: 1000, integer: true },
      showIf: (options) => options.showJournal,
    })
);
