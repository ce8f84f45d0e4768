/**
 * @gpu-shopper/contract — the REST wire format: zod schemas for every request and response
 * (snake_case), the stable error codes with their HTTP statuses, the route table and the generated
 * OpenAPI document. Imports zod only; shared by the server and (as types) the SDK.
 */
export * from './common.js';
export * from './errors.js';
export * from './inventory.js';
export * from './templates.js';
export * from './sessions.js';
export * from './costs.js';
export * from './consumers.js';
export * from './health.js';
export * from './provider-health.js';
export * from './reconciliation.js';
export * from './benchmarks.js';
export * from './aliases.js';
export { API_ROUTES, type RouteAuth, type RouteSpec } from './routes.js';
export { buildOpenApiDocument } from './openapi.js';
