/**
 * Test fixtures of the storage package (test code only): a throwaway PostgreSQL cluster.
 */
export {
  POSTGRES_DEBIAN_PACKAGE,
  describeWithPostgres,
  findPostgresBinDir,
  postgresAvailability,
  startPostgresCluster,
  type PostgresAvailability,
  type PostgresCluster,
} from './postgres-cluster.js';
