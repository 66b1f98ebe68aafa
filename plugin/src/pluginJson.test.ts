import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What Grafana's plugin.json schema (grafana/grafana docs/sources/developers/plugins/plugin.schema.json)
 * requires of the fields these manifests use. No npm package ships that schema, so its rules are
 * written here: the required fields, the patterns, the enums, and no unknown keys at the top level,
 * in `info` and in a route. Its patterns are ECMA-262 without the u flag (`\-` is valid there).
 */
const pluginJsonSchema = {
  type: 'object',
  required: ['type', 'name', 'id', 'info', 'dependencies'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[0-9a-z]+\\-([0-9a-z]+\\-)?(app|panel|datasource|secretsmanager|transformer)$' },
    type: { enum: ['app', 'datasource', 'panel', 'renderer', 'secretsmanager', 'transformer'] },
    name: { type: 'string' },
    info: {
      type: 'object',
      required: ['logos', 'version', 'updated', 'keywords'],
      additionalProperties: false,
      properties: {
        author: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, email: { type: 'string' }, url: { type: 'string' } } },
        build: { type: 'object' },
        description: { type: 'string' },
        keywords: { type: 'array', minItems: 1, items: { type: 'string' } },
        links: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, url: { type: 'string' } } } },
        logos: { type: 'object', required: ['small', 'large'], additionalProperties: false, properties: { small: { type: 'string' }, large: { type: 'string' } } },
        screenshots: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, path: { type: 'string' } } } },
        updated: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2}|\\%TODAY\\%)$' },
        version: { type: 'string', pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)|(\\%VERSION\\%)$' },
      },
    },
    dependencies: {
      type: 'object',
      required: ['grafanaDependency'],
      additionalProperties: false,
      properties: {
        grafanaDependency: {
          type: 'string',
          pattern: '^(<=|>=|<|>|=|~|\\^)?([0-9]+)(\\.[0-9x\\*]+)(\\.[0-9x\\*]+)?(\\s(<=|>=|<|=>)?([0-9]+)(\\.[0-9x]+)(\\.[0-9x]+))?$',
        },
        grafanaVersion: { type: 'string' },
        plugins: { type: 'array', items: { type: 'object', required: ['id', 'name', 'type', 'version'] } },
      },
    },
    includes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { enum: ['dashboard', 'page', 'panel', 'datasource', 'secretsmanager'] },
          role: { enum: ['Admin', 'Editor', 'Viewer'] },
          name: { type: 'string' },
          path: { type: 'string' },
          addToNav: { type: 'boolean' },
          defaultNav: { type: 'boolean' },
        },
      },
    },
    routes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          path: { type: 'string' },
          method: { type: 'string' },
          url: { type: 'string' },
          reqSignedIn: { type: 'boolean' },
          // Grafana's RoleType.IsValid: any other string silently requires nothing.
          reqRole: { enum: ['Admin', 'Editor', 'Viewer', 'None'] },
          reqAction: { type: 'string' },
          headers: { type: 'array' },
          body: { type: 'object' },
          tokenAuth: { type: 'object' },
          jwtTokenAuth: { type: 'object' },
          urlParams: { type: 'array' },
        },
      },
    },
    preload: { type: 'boolean' },
    autoEnabled: { type: 'boolean' },
    backend: { type: 'boolean' },
    skipDataQuery: { type: 'boolean' },
  },
};

const validate = new Ajv({ allErrors: true, unicodeRegExp: false }).compile(pluginJsonSchema);
const root = path.resolve(__dirname, '..');
const manifests = ['src/plugin.json', 'src/panel/plugin.json', 'dist/plugin.json', 'dist/panel/plugin.json'];

describe("every plugin.json passes Grafana's plugin.json schema", () => {
  it.each(manifests)('%s', (file) => {
    const full = path.join(root, file);
    expect(existsSync(full) ? file : `${file} missing: run npm run build`).toBe(file);
    validate(JSON.parse(readFileSync(full, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
  });

  it('and the checks can fail: the panel manifest without keywords is refused', () => {
    const panel = JSON.parse(readFileSync(path.join(root, 'src/panel/plugin.json'), 'utf8'));
    delete panel.info.keywords;
    expect(validate(panel)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/info', params: { missingProperty: 'keywords' } });
    expect(validate({ ...panel, info: { ...panel.info, keywords: ['x'] }, routes: [{ path: 'x', reqRole: 'editor' }] })).toBe(false);
  });
});
