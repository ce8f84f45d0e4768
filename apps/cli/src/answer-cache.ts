import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { CachedAnswer, ValidatorCache } from '@gpu-shopper/client';

/**
 * The SDK's validator store kept in files, so one `gpu-shopper inventory` run revalidates what the
 * previous one downloaded (`If-None-Match` → `304`, no body) instead of fetching it again. One file
 * per URL, named by its hash; any I/O failure only means "nothing kept": a cache never fails a command.
 */
export class FileAnswerCache implements ValidatorCache {
  constructor(private readonly dir: string) {}

  private file(url: string): string {
    return path.join(this.dir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.json`);
  }

  get(url: string): CachedAnswer | undefined {
    try {
      const kept = JSON.parse(readFileSync(this.file(url), 'utf8')) as Partial<CachedAnswer> & { url?: string };
      return kept.url === url && typeof kept.etag === 'string' && typeof kept.body === 'string' ? { etag: kept.etag, body: kept.body } : undefined;
    } catch {
      return undefined;
    }
  }

  set(url: string, answer: CachedAnswer): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const file = this.file(url);
      // Written aside then renamed: a concurrent run never reads half a file.
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ url, etag: answer.etag, body: answer.body }), { mode: 0o600 });
      renameSync(temp, file);
    } catch {
      // Nothing kept; the next run downloads again.
    }
  }
}
