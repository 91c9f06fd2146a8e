/**
 * Configuration from the environment, validated once at start-up.
 * Every bad variable is reported together, with what was wrong and what would be right.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** A reader turns one variable's raw text into a value, or throws a message saying what is expected. */
export interface Setting<T> {
  read(raw: string | undefined): T;
}

function setting<T>(read: (raw: string | undefined) => T): Setting<T> {
  return { read };
}

export const settings = {
  string: (fallback?: string) =>
    setting((raw) => {
      if (raw !== undefined && raw !== '') return raw;
      if (fallback === undefined) throw new Error('is required');
      return fallback;
    }),
  optionalString: () => setting((raw) => (raw === undefined || raw === '' ? undefined : raw)),
  integer: (fallback: number, min: number, max: number) =>
    setting((raw) => {
      if (raw === undefined || raw === '') return fallback;
      if (!/^-?\d+$/.test(raw)) throw new Error(`must be a whole number, got '${raw}'`);
      const value = Number(raw);
      if (value < min || value > max) throw new Error(`must be between ${min} and ${max}, got ${value}`);
      return value;
    }),
  port: (fallback: number) => settings.integer(fallback, 0, 65535),
  url: (fallback?: string) =>
    setting((raw) => {
      const text = raw === undefined || raw === '' ? fallback : raw;
      if (text === undefined) throw new Error('is required');
      try {
        const url = new URL(text);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('bad protocol');
      } catch {
        throw new Error(`must be an http(s) URL such as http://127.0.0.1:3001, got '${text}'`);
      }
      return text.replace(/\/+$/, '');
    }),
  databaseUrl: () =>
    setting((raw) => {
      if (raw === undefined || raw === '') return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error('must be a postgres:// URL such as postgres://user@127.0.0.1:5432/shop');
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        throw new Error(`must start with postgres:// or postgresql://, got '${url.protocol}//'`);
      }
      return raw;
    }),
  oneOf: <T extends string>(fallback: T, allowed: readonly T[]) =>
    setting((raw) => {
      const value = (raw === undefined || raw === '' ? fallback : raw) as T;
      if (!allowed.includes(value)) throw new Error(`must be one of ${allowed.join(', ')}, got '${raw}'`);
      return value;
    }),
};

export type ConfigOf<S extends Record<string, Setting<unknown>>> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Reads every variable of `spec` from `env`; throws one ConfigError naming every bad one. */
export function readConfig<S extends Record<string, Setting<unknown>>>(spec: S, env: Env = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(spec)) {
    try {
      config[name] = item.read(env[name]);
    } catch (error) {
      problems.push(`${name} ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

/** The settings every service shares. */
export const commonSettings = {
  HOST: settings.string('0.0.0.0'),
  DATABASE_URL: settings.databaseUrl(),
  DATABASE_POOL_MAX: settings.integer(10, 1, 200),
  DATA_DIR: settings.optionalString(),
  LOG_LEVEL: settings.oneOf('info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  SERVICE_VERSION: settings.optionalString(),
  GIT_COMMIT: settings.string('unknown'),
  SHUTDOWN_DELAY_MS: settings.integer(0, 0, 8000),
};
