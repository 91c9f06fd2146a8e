import { describe, expect, it } from 'vitest';
import { findPlaintextSecrets } from './plaintext-secrets.ts';

describe('findPlaintextSecrets', () => {
  it.each([
    ['a Secret with data', { apiVersion: 'v1', kind: 'Secret', data: { a: 'YQ==' } }, ['data']],
    ['an empty Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, []],
    ['a password literal', { grafana: { adminPassword: 'hunter2' } }, ['grafana.adminPassword']],
    ['a reference to a Secret', { grafana: { admin: { existingSecret: 'grafana-admin', passwordKey: 'admin-password' } } }, []],
    ['an env entry with a literal token', { env: [{ name: 'GITHUB_TOKEN', value: 'abc' }] }, ['env[0].value']],
    ['an env entry from a Secret', { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] }, []],
    ['a URL with a password', { url: 'postgresql://shop:s3cret@db:5432/shop' }, ['url']],
    ['a URL with a port only', { url: 'http://loki.monitoring.svc:3100/loki/api/v1/push' }, []],
    ['an AWS access key id', { note: 'AKIAABCDEFGHIJKLMNOP' }, ['note']],
    ['a boolean named like a token', { automountServiceAccountToken: false }, []],
  ])('%s', (_name, document, expected) => {
    expect(findPlaintextSecrets(document).map((p) => p.field)).toEqual(expected);
  });
});
