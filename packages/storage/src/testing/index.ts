/**
 * Test fixtures of the storage package (test code only): a throwaway PostgreSQL cluster and the
 * suite wrapper that skips loudly (or fails under CI) without one.
 */
export { describeWithPostgres } from './describe-with-postgres.js';
export {
  POSTGRES_DEBIAN_PACKAGE,
  findPostgresBinDir,
  postgresAvailability,
  startPostgresCluster,
  type PostgresAvailability,
  type PostgresCluster,
} from './postgres-cluster.js';
