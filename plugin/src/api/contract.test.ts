import Ajv2020 from 'ajv/dist/2020';
import openapi from './openapi.json';
import { journalFixture, statusFixture } from '../test/fixtures';
import pluginJson from '../plugin.json';

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'openapi', components: openapi.components });

function check(schema: string, value: unknown) {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
  const valid = validate(value);
  return valid ? 'valid' : ajv.errorsText(validate.errors);
}

describe("contract with the control API's OpenAPI document", () => {
  it('the fixtures the components are tested with are valid API answers', () => {
    expect(check('Status', statusFixture())).toBe('valid');
    expect(check('Journal', { entries: journalFixture })).toBe('valid');
  });

  it('an answer missing a field the plugin reads is rejected', () => {
    const { watchdog: _watchdog, ...incomplete } = statusFixture();
    expect(check('Status', incomplete)).toMatch(/must have required property 'watchdog'/);
  });

  it('every proxy route leads to a path the API describes, with the method it serves', () => {
    const paths = openapi.paths as Record<string, Record<string, unknown>>;
    for (const route of pluginJson.routes) {
      const apiPath = route.url.replace(/^\{\{ \.JsonData\.(apiUrl|host\d+Url) \}\}/, '');
      const matching = Object.keys(paths).filter((path) => path === apiPath || path.startsWith(`${apiPath}/`));
      expect(matching.length).toBeGreaterThan(0);
      expect(matching.some((path) => route.method.toLowerCase() in paths[path])).toBe(true);
    }
  });
});
