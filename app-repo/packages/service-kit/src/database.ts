/**
 * One database interface for both backends: a real PostgreSQL server through `pg` when
 * DATABASE_URL is set, or PGlite (PostgreSQL compiled to WASM, in process) otherwise.
 * The same SQL runs on both. Each service keeps its tables in a schema of its own.
 */
import { mkdirSync } from 'node:fs';
import pg from 'pg';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL of a real server; unset → embedded PGlite. */
  url?: string | undefined;
  /** PGlite's folder, or `memory://` to keep nothing. */
  dataDir: string;
  /** The service's schema: every unqualified table name resolves in it. */
  schema: string;
  poolMax?: number;
  onPoolError?: (error: Error) => void;
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`'${name}' is not a valid schema name: use lower-case letters, digits and _`);
  return `"${name}"`;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  quoteIdentifier(options.schema);
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    // Fail fast while the server is away, so requests answer 503 instead of hanging.
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 10_000,
    options: `-c search_path=${options.schema}`,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => options.onPoolError?.(error));

  return {
    kind: 'postgres',
    async query<R>(sql: string, params?: unknown[]) {
      const result = await pool.query(sql, params as unknown[]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          async query<R>(sql: string, params?: unknown[]) {
            const result = await client.query(sql, params as unknown[]);
            return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
          },
        };
        const value = await work(tx);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async ping(timeoutMs: number) {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'database ping');
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.dataDir !== 'memory://') mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}; SET search_path TO ${quoteIdentifier(options.schema)};`);
  const toResult = <R>(result: { rows: unknown[]; affectedRows?: number }): QueryResult<R> => ({
    rows: result.rows as R[],
    rowCount: result.affectedRows ?? result.rows.length,
  });

  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      return toResult<R>(await db.query(sql, params));
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>) {
      return db.transaction(async (tx) =>
        work({
          async query<R>(sql: string, params?: unknown[]) {
            return toResult<R>(await tx.query(sql, params));
          },
        }),
      );
    },
    async ping(timeoutMs: number) {
      await withTimeout(db.query('SELECT 1'), timeoutMs, 'database ping');
    },
    async close() {
      await db.close();
    },
  };
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
]);

/** True when an error means "the database cannot be reached", as opposed to a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i.test(
    error.message,
  );
}

export interface Migration {
  version: number;
  name: string;
  up(tx: Queryable): Promise<void>;
}

/** A migration that runs SQL statements in order, each as one query without parameters. */
export function sqlMigration(version: number, name: string, statements: readonly string[]): Migration {
  return {
    version,
    name,
    async up(tx) {
      for (const statement of statements) await tx.query(statement);
    },
  };
}

/** A stable 31-bit key per schema for PostgreSQL's advisory locks (FNV-1a). */
function lockKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const char of `slipway-migrations:${schema}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7fffffff;
}

/**
 * Applies the migrations not yet recorded, in version order, in one transaction.
 * A transaction-scoped advisory lock makes replicas that start together wait for each other.
 * Returns the versions it applied.
 */
export async function migrate(db: Database, schema: string, migrations: readonly Migration[]): Promise<number[]> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  ordered.forEach((m, i) => {
    if (i > 0 && ordered[i - 1]!.version === m.version) throw new Error(`two migrations share version ${m.version}`);
  });
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey(schema)]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await tx.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const done: number[] = [];
    for (const migration of ordered) {
      if (applied.has(migration.version)) continue;
      await migration.up(tx);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
