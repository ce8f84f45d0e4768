import http from 'node:http';
import { type AddressInfo } from 'node:net';

/**
 * A small stand-in for Ollama's HTTP API, enough for the on-node script: /api/version, /api/tags,
 * /api/show, streaming /api/pull and streaming /api/generate (NDJSON chunks, each token after a real
 * delay, then a `done` chunk with Ollama's counters in nanoseconds). Prefill waits `ttftMs` before
 * the first token, so a correct script measures TTFT ≈ ttftMs and latency ≈ ttftMs + tokens × tokenMs.
 */
export interface FakeOllamaOptions {
  readonly ttftMs?: number;
  readonly tokenMs?: number;
  /** Tokens per answer are min(num_predict, this), to keep tests fast. */
  readonly maxTokens?: number;
  /** Models already pulled. */
  readonly models?: readonly string[];
  /** Answers generate request number n (1-based, all prompts counted) with HTTP 500 when true. */
  readonly failGenerate?: (n: number) => boolean;
}

export interface GenerateCall {
  readonly model: string;
  readonly prompt: string;
  readonly stream: unknown;
  readonly options: Record<string, unknown>;
}

export class FakeOllama {
  readonly generateCalls: GenerateCall[] = [];
  readonly pulls: string[] = [];
  private readonly models: Set<string>;
  private server: http.Server | undefined;

  constructor(private readonly options: FakeOllamaOptions = {}) {
    this.models = new Set(options.models ?? []);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    switch (`${req.method} ${req.url}`) {
      case 'GET /api/version':
        return json(200, { version: '0.15.4' });
      case 'GET /api/tags':
        return json(200, {
          models: [...this.models].map((name) => ({ name, model: name, size: 4_920_753_328, digest: `sha256:${'ab'.repeat(32)}`, details: { parameter_size: '8.0B' } })),
        });
      case 'POST /api/show':
        return json(200, { details: { family: 'llama', parameter_size: '8.0B', quantization_level: 'Q4_K_M' }, model_info: {} });
      case 'POST /api/pull':
        return this.pull(String(body.model ?? body.name), res);
      case 'POST /api/generate':
        return this.generate(body, res);
      default:
        return json(404, { error: 'not found' });
    }
  }

  private async pull(model: string, res: http.ServerResponse): Promise<void> {
    this.pulls.push(model);
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const lines = [{ status: 'pulling manifest' }, { status: 'downloading', digest: 'sha256:ab', total: 100, completed: 50 }, { status: 'downloading', digest: 'sha256:ab', total: 100, completed: 100 }, { status: 'success' }];
    for (const line of lines) {
      res.write(`${JSON.stringify(line)}\n`);
      await sleep(5);
    }
    this.models.add(model);
    res.end();
  }

  private async generate(body: Record<string, unknown>, res: http.ServerResponse): Promise<void> {
    const call: GenerateCall = { model: String(body.model), prompt: String(body.prompt), stream: body.stream, options: (body.options ?? {}) as Record<string, unknown> };
    this.generateCalls.push(call);
    if (!this.models.has(call.model)) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: `model '${call.model}' not found` }));
      return;
    }
    if (this.options.failGenerate?.(this.generateCalls.length)) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'CUDA error: out of memory' }));
      return;
    }
    const numPredict = typeof call.options.num_predict === 'number' ? call.options.num_predict : 128;
    const words = answerFor(call.prompt);
    const tokens = Math.max(1, Math.min(numPredict, this.options.maxTokens ?? 40, words.length));
    const ttftMs = this.options.ttftMs ?? 40;
    const tokenMs = this.options.tokenMs ?? 2;
    const started = process.hrtime.bigint();
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    await sleep(ttftMs);
    const evalStarted = process.hrtime.bigint();
    for (let i = 0; i < tokens; i++) {
      res.write(`${JSON.stringify({ model: call.model, created_at: new Date().toISOString(), response: words[i], done: false })}\n`);
      await sleep(tokenMs);
    }
    const now = process.hrtime.bigint();
    res.end(
      `${JSON.stringify({
        model: call.model,
        created_at: new Date().toISOString(),
        response: '',
        done: true,
        done_reason: 'length',
        total_duration: Number(now - started),
        load_duration: 1_000_000,
        prompt_eval_count: 26,
        prompt_eval_duration: Number(evalStarted - started),
        eval_count: tokens,
        eval_duration: Number(now - evalStarted),
      })}\n`,
    );
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Answers that pass the script's quality checks, then filler for the throughput prompt. */
function answerFor(prompt: string): string[] {
  const text = /15 \+ 27/.test(prompt)
    ? '42'
    : /France/.test(prompt)
      ? 'Paris'
      : /square/.test(prompt)
        ? 'def square(x):\n    return x * x'
        : /primary colors/.test(prompt)
          ? 'Red, yellow, blue'
          : 'Machine learning is a field of study in which computers learn patterns from data. '.repeat(40);
  // One "token" per word, keeping the separators, like a tokenizer would.
  return text.match(/\S+\s*/g) ?? [text];
}
