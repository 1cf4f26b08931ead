import { Ajv } from 'ajv';
import { expect } from 'vitest';
import type { RestAnswer } from './rest-client.ts';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: object };

/**
 * Checks real answers against the OpenAPI document the gateway serves: the documented status
 * exists for the route, and the body matches its schema (exact keys: the schemas forbid others).
 */
export async function openApiChecker(baseUrl: string) {
  const res = await fetch(`${baseUrl}/api/docs/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as Doc & { openapi: string };
  expect(doc.openapi).toMatch(/^3\./);
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const checked = new Set<string>();
  return {
    doc,
    checked,
    /** `template` as in the document, e.g. `/api/send/{instanceId}`. */
    check(method: string, template: string, answer: Pick<RestAnswer, 'status' | 'body'>): void {
      const operation = doc.paths[template]?.[method.toLowerCase()];
      expect(operation, `${method} ${template} is documented`).toBeDefined();
      const response = operation!.responses[String(answer.status)];
      expect(response, `${method} ${template} documents status ${answer.status}`).toBeDefined();
      const schema = response!.content?.['application/json']?.schema;
      expect(schema, `${method} ${template} ${answer.status} has a JSON schema`).toBeDefined();
      // Refs point into the document's components, so the schema is compiled inside a copy of it.
      const validate = ajv.compile({ ...schema, components: doc.components });
      const valid = validate(answer.body);
      expect(valid, `${method} ${template} ${answer.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.body)}`).toBe(true);
      checked.add(`${method.toUpperCase()} ${template} ${answer.status}`);
    },
  };
}
