import fs from 'node:fs';
import path from 'node:path';

import express, { type Request, type Response, Router } from 'express';

import { type Logger } from '@gpu-shopper/core';

/**
 * The console's Content-Security-Policy: only its own scripts and styles, no inline script, and
 * requests to this origin only (the API under /api/v1). Downloads of the SSH key use a blob: URL.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secureHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });
}

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GPU Shopper</title></head>
<body><h1>GPU Shopper</h1>
<p>The web console is not built on this server. Build it with <code>pnpm build</code> (or <code>pnpm start</code>, which builds first) and restart the server.</p>
<p>The REST API is served under <a href="/api/v1/inventory">/api/v1</a>; its description is at <a href="/openapi.json">/openapi.json</a>.</p>
</body></html>
`;

/**
 * Serves the console's static build: `/` is its page, `/assets/*` its hashed files (cached for a
 * year, since a new build changes their names). The console routes in the URL fragment (`#/sessions`),
 * so no other path needs a fallback. When the build is absent the server still runs: `/` explains.
 */
export function consoleRouter(dir: string, logger: Logger): Router {
  const router = Router();
  const indexPath = path.join(dir, 'index.html');
  const built = fs.existsSync(indexPath);
  if (!built) logger.warn('the web console is not built: / answers with a page that explains how to build it; the API is unaffected', { consoleDir: dir });
  else logger.info('serving the web console at /', { consoleDir: dir });

  const index = (_req: Request, res: Response) => {
    secureHeaders(res);
    res.set('Cache-Control', 'no-cache');
    if (!built || !fs.existsSync(indexPath)) {
      res.status(200).type('html').send(MISSING_PAGE);
      return;
    }
    res.sendFile(indexPath);
  };
  router.get(['/', '/index.html'], index);
  router.use(
    '/assets',
    (_req, res, next) => {
      secureHeaders(res);
      next();
    },
    express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: true, dotfiles: 'ignore' }),
  );
  return router;
}
