import Ajv2020 from "ajv/dist/2020.js";
import { openApiDocument } from "../../scripts/lib/api/openapi.ts";

const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
ajv.addSchema({ $id: "openapi", components: openApiDocument.components });

/** Throws, listing every mismatch, unless `value` matches the named schema of the OpenAPI document. */
export function assertMatchesSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  if (!validate(value)) {
    throw new Error(
      `does not match ${name}: ${ajv.errorsText(validate.errors, { separator: "\n  " })}`,
    );
  }
}
