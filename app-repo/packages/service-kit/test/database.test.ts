import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Migration } from '../src/database.ts';
import { isDatabaseUnavailable, migrate, openDatabase, sqlMigration } from '../src/database.ts';
import { createPostgresDatabase } from '../../../test-support/databases.ts';

const migrations: Migration[] = [
  sqlMigration(1, 'table', ['CREATE TABLE things (id int PRIMARY KEY)']),
  { version: 2, name: 'rows', up: async (tx) => void (await tx.query('INSERT INTO things VALUES (1), (2)')) },
];

describe('migrations on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterAll(() => database?.drop());

  it('run once when several replicas start at the same moment', async () => {
    const replicas = await Promise.all(
      Array.from({ length: 5 }, () => openDatabase({ url: database.url, dataDir: 'unused', schema: 'shop' })),
    );
    try {
      const applied = await Promise.all(replicas.map((db) => migrate(db, 'shop', migrations)));
      expect(applied.filter((a) => a.length > 0)).toEqual([[1, 2]]);
      expect((await replicas[0]!.query('SELECT count(*)::int AS n FROM things')).rows).toEqual([{ n: 2 }]);
      expect((await replicas[0]!.query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'things'")).rows).toEqual([
        { table_schema: 'shop' },
      ]);
    } finally {
      await Promise.all(replicas.map((db) => db.close()));
    }
  });

  it('roll back a failing migration whole', async () => {
    const db = await openDatabase({ url: database.url, dataDir: 'unused', schema: 'broken' });
    try {
      const failing: Migration[] = [
        { version: 1, name: 'ok', up: async (tx) => void (await tx.query('CREATE TABLE a (id int)')) },
        { version: 2, name: 'bad', up: async (tx) => void (await tx.query('CREATE TABLE syntax error')) },
      ];
      await expect(migrate(db, 'broken', failing)).rejects.toThrow(/syntax error/);
      expect((await db.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'broken'")).rows).toEqual([
        { n: 0 },
      ]);
    } finally {
      await db.close();
    }
  });
});

describe('migrations on PGlite', () => {
  it('apply pending versions only, in order', async () => {
    const db = await openDatabase({ dataDir: 'memory://', schema: 'shop' });
    try {
      expect(await migrate(db, 'shop', migrations.slice(0, 1))).toEqual([1]);
      expect(await migrate(db, 'shop', [...migrations].reverse())).toEqual([2]);
      expect(await migrate(db, 'shop', migrations)).toEqual([]);
      await expect(migrate(db, 'shop', [migrations[0]!, { ...migrations[1]!, version: 1 }])).rejects.toThrow(
        'two migrations share version 1',
      );
    } finally {
      await db.close();
    }
  });

  it('refuses a schema name that is not an identifier', async () => {
    await expect(openDatabase({ dataDir: 'memory://', schema: 'drop table; --' })).rejects.toThrow(/not a valid schema name/);
  });
});

describe('isDatabaseUnavailable', () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
    [Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), true],
    [Object.assign(new Error('connection failure'), { code: '08006' }), true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('timeout exceeded when trying to connect'), true],
    [Object.assign(new Error('duplicate key value'), { code: '23505' }), false],
    [Object.assign(new Error('syntax error'), { code: '42601' }), false],
    ['a string', false],
  ])('%s → %s', (error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});
