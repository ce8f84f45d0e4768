/**
 * Figure 1's baseline: a bare Express 5 app whose one route answers with the exact bytes the server
 * answered for the same query (read once from a file). Run as its own process, like the server, so
 * both sides pay the same process and socket costs. Usage: node bare-express.js <port> <body-file>
 */
import { readFileSync } from 'node:fs';

import express from 'express';

const [portArg, bodyFile] = process.argv.slice(2);
if (!portArg || !bodyFile) {
  console.error('usage: bare-express.js <port> <body-file>');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const app = express();
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/api/v1/inventory', (_req, res) => {
  res.type('application/json').send(body);
});
app.listen(Number(portArg), '127.0.0.1', () => {
  console.log(`bare express on ${portArg}`);
});
