/**
 * The GitHub Actions runner interface, as the runner documents it: inputs arrive as INPUT_<NAME>
 * variables, outputs and the job summary are appended to the files named by GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY, the triggering event is the JSON file at GITHUB_EVENT_PATH, and
 * `::command::` lines on stdout mask secrets and annotate errors. Every action entry point uses this.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';

export class ActionInputError extends Error {
  override name = 'ActionInputError';
}

export interface ActionRunner {
  /** An input's value, trimmed; '' when unset. */
  input(name: string): string;
  /** A required input; throws naming the input when empty. */
  requiredInput(name: string): string;
  /** `true`/`false` (YAML 1.2 core booleans, as @actions/core accepts). */
  booleanInput(name: string): boolean;
  /** Non-empty lines of a multi-line input (also split on commas when `commas`). */
  listInput(name: string, commas?: boolean): string[];
  setOutput(name: string, value: string): void;
  appendSummary(markdown: string): void;
  /** The triggering event's payload, or {} when there is none. */
  event(): Record<string, unknown>;
  env(name: string): string | undefined;
  setSecret(value: string): void;
  info(line: string): void;
  warning(line: string): void;
  error(line: string): void;
}

function escapeCommand(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function actionRunner(env: NodeJS.ProcessEnv = process.env, write: (text: string) => void = (text) => process.stdout.write(text)): ActionRunner {
  const input = (name: string): string => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  const appendToFile = (variable: string, text: string): void => {
    const file = env[variable];
    if (!file) throw new Error(`${variable} is not set: this must run inside a GitHub Actions job (or set ${variable} to a file)`);
    appendFileSync(file, text, 'utf8');
  };
  return {
    input,
    requiredInput(name) {
      const value = input(name);
      if (value === '') throw new ActionInputError(`input '${name}' is required`);
      return value;
    },
    booleanInput(name) {
      const value = input(name);
      if (['true', 'True', 'TRUE'].includes(value)) return true;
      if (['false', 'False', 'FALSE', ''].includes(value)) return false;
      throw new ActionInputError(`input '${name}' must be true or false, not '${value}'`);
    },
    listInput(name, commas = false) {
      return input(name)
        .split(commas ? /[\n,]/ : /\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
    },
    setOutput(name, value) {
      const delimiter = `slipway_${randomBytes(12).toString('hex')}`;
      appendToFile('GITHUB_OUTPUT', `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
    },
    appendSummary(markdown) {
      appendToFile('GITHUB_STEP_SUMMARY', markdown.endsWith('\n') ? markdown : `${markdown}\n`);
    },
    event() {
      const path = env['GITHUB_EVENT_PATH'];
      if (!path) return {};
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      } catch (error) {
        throw new ActionInputError(`GITHUB_EVENT_PATH ${path} is not readable JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    env: (name) => env[name],
    setSecret(value) {
      if (value !== '') write(`::add-mask::${escapeCommand(value)}\n`);
    },
    info: (line) => write(`${line}\n`),
    warning: (line) => write(`::warning::${escapeCommand(line)}\n`),
    error: (line) => write(`::error::${escapeCommand(line)}\n`),
  };
}
