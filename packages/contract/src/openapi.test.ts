import { buildOpenApiDocument } from './openapi.js';
import { API_ROUTES } from './routes.js';
import { createSessionRequestSchema } from './sessions.js';
import { inventoryQuerySchema } from './inventory.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument('1.2.3') as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string }[]; requestBody?: unknown }>> };

  it('describes every route, with path parameters in OpenAPI form', () => {
    expect(doc.openapi).toBe('3.0.3');
    for (const route of API_ROUTES) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method]).toBeDefined();
    }
    expect(doc.paths['/api/v1/sessions/{id}/extend']?.post?.parameters.map((p) => p.name)).toEqual(['id']);
  });

  it('lists query filters and the Idempotency-Key header', () => {
    expect(doc.paths['/api/v1/inventory']?.get?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['gpu', 'max_price', 'min_cuda', 'sort']));
    expect(doc.paths['/api/v1/sessions']?.post?.parameters.map((p) => p.name)).toContain('Idempotency-Key');
    expect(doc.paths['/api/v1/sessions']?.post?.requestBody).toBeDefined();
  });
});

describe('request schemas', () => {
  it('applies the documented defaults to a session request', () => {
    expect(createSessionRequestSchema.parse({ consumer_id: 'my-app', gpu: 'RTX4090' })).toMatchObject({
      reservation_hours: 2,
      workload_type: 'llm',
      idle_timeout: 0,
      storage_policy: 'destroy',
      auto_retry: false,
    });
  });

  test.each([
    [{ consumer_id: 'my-app' }, 'offer_id'],
    [{ consumer_id: 'my-app', offer_id: 'a', gpu: 'b' }, 'offer_id'],
    [{ consumer_id: 'my app', gpu: 'b' }, 'consumer_id'],
    [{ consumer_id: 'a', gpu: 'b', reservation_hours: 13 }, 'reservation_hours'],
    [{ consumer_id: 'a', gpu: 'b', storage_policy: 'keep' }, 'storage_policy'],
    [{ consumer_id: 'a', gpu: 'b', unexpected: 1 }, ''],
  ])('rejects %p naming %p', (body, path) => {
    const parsed = createSessionRequestSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.error.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('coerces query strings and rejects junk', () => {
    expect(inventoryQuerySchema.parse({ min_vram: '24', max_price: '0.5', min_gpus: '2', provider: 'vastai' })).toMatchObject({ min_vram: 24, max_price: 0.5, min_gpus: 2 });
    expect(inventoryQuerySchema.safeParse({ min_vram: 'lots' }).success).toBe(false);
    expect(inventoryQuerySchema.safeParse({ provider: 'aws' }).success).toBe(false);
    expect(inventoryQuerySchema.safeParse({ colour: 'red' }).success).toBe(false);
  });
});
