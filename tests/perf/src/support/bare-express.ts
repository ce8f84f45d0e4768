/**
 * Figure 1's baseline: a bare Express 5 app whose one route answers with the exact bytes the server
 * answered for the same query and coding (read once from files: <body-file>, and <body-file>.gz /
 * <body-file>.br when present, picked by Accept-Encoding). Run as its own process, like the server,
 * so both sides pay the same process and socket costs. Usage: node bare-express.js <port> <body-file>
 */
import { existsSync, readFileSync } from 'node:fs';

import express from 'express';

const [portArg, bodyFile] = process.argv.slice(2);
if (!portArg || !bodyFile) {
  console.error('usage: bare-express.js <port> <body-file>');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const gz = existsSync(`${bodyFile}.gz`) ? readFileSync(`${bodyFile}.gz`) : null;
const br = existsSync(`${bodyFile}.br`) ? readFileSync(`${bodyFile}.br`) : null;
const app = express();
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/api/v1/inventory', (req, res) => {
  const accepts = req.headers['accept-encoding'] ?? '';
  res.type('application/json');
  if (br && accepts.includes('br')) res.set('Content-Encoding', 'br').send(br);
  else if (gz && accepts.includes('gzip')) res.set('Content-Encoding', 'gzip').send(gz);
  else res.send(body);
});
app.listen(Number(portArg), '127.0.0.1', () => {
  console.log(`bare express on ${portArg}`);
});
