/**
 * The database backends the services' integration tests run on: embedded PGlite, and the real
 * PostgreSQL server (TEST_POSTGRES_URL, default 127.0.0.1:5432) with a fresh database per suite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Environment for a service: DATABASE_URL, or DATA_DIR for an in-memory PGlite. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new empty database on the real server; drop() removes it and its connections. */
export async function createPostgresDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `slipway_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export const backends: Backend[] = [
  {
    name: 'pglite',
    async create() {
      return { env: { DATA_DIR: 'memory://' }, drop: async () => undefined };
    },
  },
  {
    name: 'postgres',
    async create() {
      const database = await createPostgresDatabase();
      return { env: { DATABASE_URL: database.url }, drop: database.drop };
    },
  },
];
