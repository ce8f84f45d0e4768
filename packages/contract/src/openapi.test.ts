import { buildOpenApiDocument } from './openapi.js';
import { API_ROUTES } from './routes.js';
import { createSessionRequestSchema } from './sessions.js';
import { inventoryQuerySchema } from './inventory.js';
import { benchmarkListQuerySchema, cheapestBenchmarkQuerySchema, createBenchmarkRunRequestSchema, recommendationsQuerySchema, updateBenchmarkScheduleRequestSchema } from './benchmarks.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument('1.2.3') as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string }[]; requestBody?: unknown }>> };

  it('describes every route, with path parameters in OpenAPI form', () => {
    expect(doc.openapi).toBe('3.0.3');
    for (const route of API_ROUTES) {
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method]).toBeDefined();
    }
    expect(doc.paths['/api/v1/sessions/{id}/extend']?.post?.parameters.map((p) => p.name)).toEqual(['id']);
    // Snake-case parameters (upstream's `:hash_id`) are parameters too, not literal path text.
    expect(doc.paths['/api/v1/templates/{hash_id}']?.get?.parameters.map((p) => p.name)).toEqual(['hash_id']);
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

describe('benchmark routes', () => {
  const doc = buildOpenApiDocument('1.2.3') as { paths: Record<string, Record<string, { parameters: { name: string }[]; description?: string; requestBody?: unknown }>> };

  it('documents every benchmark endpoint of SEED and the recommendations join', () => {
    for (const [path, method] of [
      ['/api/v1/benchmarks', 'get'],
      ['/api/v1/benchmarks', 'post'],
      ['/api/v1/benchmarks/{id}', 'get'],
      ['/api/v1/benchmarks/best', 'get'],
      ['/api/v1/benchmarks/cheapest', 'get'],
      ['/api/v1/benchmarks/compare', 'get'],
      ['/api/v1/benchmarks/recommendations', 'get'],
      ['/api/v1/recommendations', 'get'],
      ['/api/v1/benchmark-runs', 'post'],
      ['/api/v1/benchmark-runs/{id}', 'get'],
      ['/api/v1/benchmark-runs/{id}', 'delete'],
      ['/api/v1/benchmark-schedules', 'post'],
      ['/api/v1/benchmark-schedules', 'get'],
      ['/api/v1/benchmark-schedules/{id}', 'put'],
      ['/api/v1/benchmark-schedules/{id}', 'delete'],
    ] as const) {
      expect(doc.paths[path]?.[method]).toBeDefined();
    }
    expect(doc.paths['/api/v1/recommendations']?.get?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['model', 'min_tps']));
    expect(doc.paths['/api/v1/benchmark-runs']?.post?.description).toBe('Admin token only.');
  });

  it('converts query strings and rejects what the API would refuse', () => {
    expect(cheapestBenchmarkQuerySchema.parse({ model: 'llama3.1:8b', min_tps: '50' })).toEqual({ model: 'llama3.1:8b', min_tps: 50 });
    expect(cheapestBenchmarkQuerySchema.safeParse({ model: 'llama3.1:8b', min_tps: '-1' }).success).toBe(false);
    expect(recommendationsQuerySchema.safeParse({}).success).toBe(false);
    expect(benchmarkListQuerySchema.parse({ include_invalid: 'true', source: 'published' })).toMatchObject({ include_invalid: true, source: 'published' });
    expect(benchmarkListQuerySchema.safeParse({ source: 'rumour' }).success).toBe(false);
    expect(createBenchmarkRunRequestSchema.parse({ models: ['llama3.1:8b'], max_budget: 1 })).toMatchObject({ gpu_types: [], providers: [], max_attempts_per_entry: 2, duration_seconds: 300 });
    expect(createBenchmarkRunRequestSchema.safeParse({ models: [] }).success).toBe(false);
    expect(createBenchmarkRunRequestSchema.safeParse({ models: ['m'], max_budget: 0 }).success).toBe(false);
    expect(updateBenchmarkScheduleRequestSchema.safeParse({}).success).toBe(false);
  });
});
