// The Compose file, the Dockerfile and the files they mount, checked without Docker (there is no
// `docker compose` to ask): the structure the README's commands rely on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import YAML from 'yaml';

import { loadDashboard, allPanels } from './lib/queries.mjs';
import { deployDir, fromDeploy, fromRoot } from './lib/paths.mjs';

// merge: Compose resolves YAML merge keys (`<<: *replica`), as YAML 1.1 did.
const compose = YAML.parse(fs.readFileSync(fromDeploy('docker-compose.yml'), 'utf8'), { merge: true });
const services = compose.services ?? {};
const dockerfile = fs.readFileSync(fromDeploy('Dockerfile'), 'utf8');

/** `HOST:CONTAINER` strings of a service's published ports (short or long syntax). */
const publishedPorts = (service) =>
  (service.ports ?? []).map((port) => (typeof port === 'string' ? port : `${port.published}:${port.target}`));
/** Mount specs of a service as `{ source, target }`. */
const mounts = (service) =>
  (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source, target: volume.target };
    const [source, target] = volume.split(':');
    return { source, target };
  });
/** The environment of a service as an object (map or list syntax). */
const environment = (service) =>
  Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((item) => item.split(/=(.*)/s).slice(0, 2)))
    : (service.environment ?? {});

describe('docker-compose.yml', () => {
  test('defines server, prometheus and grafana; only the monitoring pair is behind the `monitoring` profile', () => {
    assert.deepEqual(
      Object.keys(services).filter((name) => !services[name].profiles?.includes('ha')).sort(),
      ['grafana', 'prometheus', 'server'],
    );
    assert.equal(services.server.profiles, undefined, '`docker-compose up -d server` must work without a profile');
    assert.deepEqual(services.prometheus.profiles, ['monitoring']);
    assert.deepEqual(services.grafana.profiles, ['monitoring']);
  });

  test('publishes 8080 (server), 9090 (Prometheus) and 3000 (Grafana)', () => {
    assert.deepEqual(publishedPorts(services.server), ['8080:8080']);
    assert.deepEqual(publishedPorts(services.prometheus), ['9090:9090']);
    assert.deepEqual(publishedPorts(services.grafana), ['3000:3000']);
  });

  test('server: built from deploy/Dockerfile with the repository as context, env file .env, restart policy', () => {
    const { server } = services;
    assert.equal(path.resolve(deployDir, server.build.context), fromRoot());
    assert.ok(fs.existsSync(path.resolve(deployDir, server.build.context, server.build.dockerfile)), 'the Dockerfile path must exist');
    const envFiles = [server.env_file].flat().map((entry) => (typeof entry === 'string' ? entry : entry.path));
    assert.deepEqual(envFiles, ['.env']);
    assert.equal(server.restart, 'unless-stopped');
  });

  test('server: binds 0.0.0.0 inside the container, keeps its database on the data volume, requires the admin token', () => {
    const env = environment(services.server);
    assert.equal(env.SERVER_HOST, '0.0.0.0');
    assert.equal(String(env.SERVER_PORT), '8080');
    assert.equal(env.DATABASE_PATH, '/data/gpu-shopper.db');
    assert.match(env.GPU_SHOPPER_ADMIN_TOKEN, /^\$\{GPU_SHOPPER_ADMIN_TOKEN:\?[^}]+\}$/, 'Compose must refuse to start without a token');
    const data = mounts(services.server).find((mount) => mount.target === '/data');
    assert.ok(data, 'the server mounts a volume at /data');
    assert.ok(Object.hasOwn(compose.volumes ?? {}, data.source), `volume ${data.source} is declared at the top level`);
  });

  test('prometheus: mounts its config folder and scrapes server:8080/metrics with the alert rules loaded', () => {
    const config = mounts(services.prometheus).find((mount) => mount.target === '/etc/prometheus');
    assert.ok(config, 'prometheus mounts ./prometheus at /etc/prometheus');
    assert.equal(path.resolve(deployDir, config.source), fromDeploy('prometheus'));
    assert.ok(services.prometheus.command.includes('--config.file=/etc/prometheus/prometheus.yml'));

    const prometheus = YAML.parse(fs.readFileSync(fromDeploy('prometheus', 'prometheus.yml'), 'utf8'));
    assert.deepEqual(prometheus.rule_files, ['alerts.yml']);
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'gpu-shopper');
    assert.ok(job, 'a gpu-shopper scrape job');
    assert.equal(job.metrics_path ?? '/metrics', '/metrics');
    assert.deepEqual(job.static_configs.flatMap((c) => c.targets), ['server:8080']);
  });

  test('grafana: admin/admin, provisioning and dashboards mounted where the provisioning files point', () => {
    const env = environment(services.grafana);
    assert.equal(env.GF_SECURITY_ADMIN_USER, 'admin');
    assert.equal(env.GF_SECURITY_ADMIN_PASSWORD, '${GRAFANA_ADMIN_PASSWORD:-admin}');
    const byTarget = Object.fromEntries(mounts(services.grafana).map((m) => [m.target, path.resolve(deployDir, m.source)]));
    assert.equal(byTarget['/etc/grafana/provisioning'], fromDeploy('grafana', 'provisioning'));

    const provider = YAML.parse(fs.readFileSync(fromDeploy('grafana', 'provisioning', 'dashboards', 'gpu-shopper.yml'), 'utf8')).providers[0];
    assert.equal(byTarget[provider.options.path], fromDeploy('grafana', 'dashboards'), 'the dashboards folder is mounted at the provider path');
    const home = env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    assert.ok(home.startsWith(`${provider.options.path}/`));
    assert.ok(fs.existsSync(fromDeploy('grafana', 'dashboards', path.basename(home))));
  });

  test('the dashboard uses the provisioned Prometheus datasource', () => {
    const datasources = YAML.parse(fs.readFileSync(fromDeploy('grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')).datasources;
    assert.equal(datasources.length, 1);
    const [prometheus] = datasources;
    assert.equal(prometheus.type, 'prometheus');
    assert.equal(prometheus.url, 'http://prometheus:9090');
    for (const panel of allPanels(loadDashboard())) {
      for (const target of panel.targets ?? []) assert.deepEqual(target.datasource, { type: 'prometheus', uid: prometheus.uid }, `panel "${panel.title}"`);
    }
  });

  test('profile ha: PostgreSQL, two replicas sharing its URL and one encryption key, a load balancer over both', () => {
    const ha = Object.keys(services).filter((name) => services[name].profiles?.includes('ha')).sort();
    assert.deepEqual(ha, ['load-balancer', 'postgres', 'replica-1', 'replica-2']);
    const replicas = [services['replica-1'], services['replica-2']].map(environment);
    for (const env of replicas) {
      assert.match(env.DATABASE_URL, /^postgres:\/\/gpu_shopper:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/gpu_shopper$/);
      assert.match(env.GPU_SHOPPER_ENCRYPTION_KEY, /^\$\{GPU_SHOPPER_ENCRYPTION_KEY:\?[^}]+\}$/, 'replicas need one shared key');
      assert.equal(env.DATABASE_PATH, undefined);
    }
    assert.deepEqual(replicas.map((env) => env.REPLICA_ID), ['replica-1', 'replica-2']);
    const nginx = fs.readFileSync(fromDeploy('ha', 'nginx.conf'), 'utf8');
    assert.match(nginx, /server replica-1:8080/);
    assert.match(nginx, /server replica-2:8080/);
    assert.match(nginx, /proxy_buffering off/, 'event streams must not be buffered');
  });

  test('every bind-mounted path exists', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const { source } of mounts(service)) {
        if (!source.startsWith('.') && !source.startsWith('/')) continue; // named volume
        assert.ok(fs.existsSync(path.resolve(deployDir, source)), `${name}: ${source} does not exist`);
      }
    }
  });
});

describe('Dockerfile', () => {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  test('is multi-stage: installs from the lockfile, builds, and deploys the server with production dependencies only', () => {
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    assert.match(dockerfile, /^RUN pnpm fetch$/m);
    assert.match(dockerfile, /pnpm install --frozen-lockfile/);
    assert.match(dockerfile, /turbo run build --filter=@gpu-shopper\/server\.\.\./);
    assert.match(dockerfile, /pnpm --filter @gpu-shopper\/server deploy --prod/);
    assert.match(dockerfile, /python3 make g\+\+/, 'better-sqlite3 compiles at install');
  });

  test('installs the pnpm version the repository pins', () => {
    const packageManager = JSON.parse(fs.readFileSync(fromRoot('package.json'), 'utf8')).packageManager;
    assert.ok(dockerfile.includes(`npm i -g -E ${packageManager}`), `Dockerfile must install ${packageManager}`);
  });

  test('runtime stage: non-root user, /data volume, 0.0.0.0, health check on /health', () => {
    assert.match(runtime, /^USER shopper:shopper$/m);
    assert.doesNotMatch(runtime, /^USER (root|0)\b/m);
    assert.match(runtime, /^VOLUME \["\/data"\]$/m);
    assert.match(runtime, /DATABASE_PATH=\/data\/gpu-shopper\.db/);
    assert.match(runtime, /SERVER_HOST=0\.0\.0\.0/);
    assert.match(runtime, /^EXPOSE 8080$/m);
    assert.match(runtime, /^HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "-e", "[^\n]*\/health/m);
    assert.match(runtime, /^CMD \["node", "dist\/main\.js"\]$/m);
    assert.match(runtime, /^COPY deploy\/scripts\/backup-db\.mjs \/app\/scripts\/backup-db\.mjs$/m);
  });

  test('.dockerignore keeps host builds, dependencies and secrets out, and the lockfile in', () => {
    const patterns = fs
      .readFileSync(fromRoot('.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const required of ['**/node_modules', '**/dist', '**/.env', '.git', 'data', '**/*.db']) assert.ok(patterns.includes(required), `.dockerignore must exclude ${required}`);
    assert.ok(patterns.indexOf('!deploy/scripts/backup-db.mjs') > patterns.indexOf('deploy/scripts/*'), 'the backup script stays in the context');
    for (const needed of ['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.pnpmfile.cjs', 'package.json', 'deploy', 'deploy/package.json', 'apps', 'packages', 'tooling', 'turbo.json']) {
      assert.ok(!patterns.includes(needed), `.dockerignore must not exclude ${needed}`);
    }
  });
});
