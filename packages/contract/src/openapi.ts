import { z } from 'zod';

import { describeAliases } from './aliases.js';
import { errorEnvelopeSchema } from './errors.js';
import { API_ROUTES } from './routes.js';

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  // Component references keep the document small; `$schema` is not allowed inside OpenAPI.
  const converted = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as JsonObject;
  delete converted.$schema;
  return converted;
}

/** The OpenAPI 3 document of the API, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(version: string): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of API_ROUTES) {
    const openApiPath = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: JsonObject[] = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query) {
      const query = jsonSchema(route.query, 'input') as { properties?: Record<string, JsonObject> };
      for (const [name, schema] of Object.entries(query.properties ?? {})) parameters.push({ name, in: 'query', required: false, schema });
    }
    if (route.idempotent) {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 }, description: 'Repeats with the same key and body return the first answer' });
    }
    const operation: JsonObject = {
      summary: route.summary,
      parameters,
      responses: {
        [String(route.status)]: { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
        default: { description: 'Error', content: { 'application/json': { schema: jsonSchema(errorEnvelopeSchema, 'output') } } },
      },
      ...(route.auth === 'none' ? { security: [] } : {}),
    };
    const notes = [
      ...(route.auth === 'admin' ? ['Admin token only.'] : []),
      ...(route.aliases?.length ? [`Also accepted, for the original API's field names: ${describeAliases(route.aliases)}.`] : []),
    ];
    if (notes.length > 0) operation.description = notes.join(' ');
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
    paths[openApiPath] = { ...paths[openApiPath], [route.method]: operation };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'GPU Shopper API', version, description: 'Find, rent and clean up commodity GPUs across Vast.ai, TensorDock and Blue Lobster.' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
