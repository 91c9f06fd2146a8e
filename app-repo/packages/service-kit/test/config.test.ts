import { describe, expect, it } from 'vitest';
import { ConfigError, commonSettings, readConfig, settings } from '../src/config.ts';

const spec = {
  ...commonSettings,
  PORT: settings.port(3001),
  PRODUCT_SERVICE_URL: settings.url('http://127.0.0.1:3001'),
  HTTP_TIMEOUT_MS: settings.integer(2000, 50, 60_000),
};

describe('readConfig', () => {
  it('fills defaults', () => {
    const config = readConfig(spec, {});
    expect(config).toMatchObject({
      PORT: 3001,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      DATABASE_URL: undefined,
      SHUTDOWN_DELAY_MS: 0,
      PRODUCT_SERVICE_URL: 'http://127.0.0.1:3001',
    });
  });

  it.each([
    [{ PORT: '8080' }, 'PORT', 8080],
    [{ PRODUCT_SERVICE_URL: 'http://product:3001/' }, 'PRODUCT_SERVICE_URL', 'http://product:3001'],
    [{ DATABASE_URL: 'postgresql://u:p@db:5432/shop' }, 'DATABASE_URL', 'postgresql://u:p@db:5432/shop'],
    [{ LOG_LEVEL: 'debug' }, 'LOG_LEVEL', 'debug'],
  ])('reads %o', (env, key, value) => {
    expect(readConfig(spec, env)[key as keyof typeof spec]).toEqual(value);
  });

  it.each([
    [{ PORT: 'eighty' }, "PORT must be a whole number, got 'eighty'"],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535, got 70000'],
    [{ DATABASE_URL: 'mysql://db/shop' }, "DATABASE_URL must start with postgres:// or postgresql://, got 'mysql://'"],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a postgres:// URL'],
    [
      { PRODUCT_SERVICE_URL: 'product:3001' },
      "PRODUCT_SERVICE_URL must be an http(s) URL such as http://127.0.0.1:3001, got 'product:3001'",
    ],
    [{ LOG_LEVEL: 'loud' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'"],
    [{ HTTP_TIMEOUT_MS: '1' }, 'HTTP_TIMEOUT_MS must be between 50 and 60000, got 1'],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => readConfig(spec, env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      readConfig(spec, { PORT: 'x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(' ')[0])).toEqual(['LOG_LEVEL', 'PORT']);
    }
  });
});
