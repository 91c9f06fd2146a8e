/**
 * The action shell over the official toolkit: inputs, outputs, masking, the job summary and
 * annotations go through @actions/core (3.x); the triggering event is @actions/github's
 * `context.payload` (action-event.ts, apart so that only the actions reading it bundle it). Kept here is only what the toolkit does not do: reading a verb's declared
 * fields (raw-inputs.ts) with errors that name the input and show the value, masking nothing for
 * an empty secret, and failing with one `::error::` line (core.setFailed) instead of a stack trace.
 */
import * as core from '@actions/core';
import type { Fields, RawInputs } from './inputs/raw-inputs.ts';
import { InputError, splitList } from './inputs/raw-inputs.ts';
import { shellContext } from './shell-context.ts';
import type { ShellContext } from './shell-context.ts';

/** The declared fields as the runner passes them (INPUT_<NAME>); a field without an input reads as not given. */
export function actionInputs<F extends Fields>(fields: F): RawInputs<F> {
  const text = (field: keyof F & string): string => {
    const name = fields[field]?.input;
    return name ? core.getInput(name) : '';
  };
  const label = (field: keyof F & string): string => `input '${fields[field]?.input ?? field}'`;
  return {
    text,
    label,
    has: (field) => fields[field]?.input !== undefined,
    list: (field) => splitList(text(field), fields[field]?.commas),
    flag(field) {
      const name = fields[field]?.input;
      if (!name || core.getInput(name) === '') return undefined;
      try {
        return core.getBooleanInput(name);
      } catch {
        throw new InputError(`${label(field)} must be true or false, not '${core.getInput(name)}'`);
      }
    },
  };
}

/** The job's context: workspace, server, repository, run (see shell-context.ts). */
export function actionContext(): ShellContext {
  return shellContext(process.env, process.cwd());
}

/** Masks a secret in the job log from here on; an empty value masks nothing. */
export function maskSecret(value: string): void {
  if (value !== '') core.setSecret(value);
}

export function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

export async function appendSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(markdown, !markdown.endsWith('\n')).write();
}

export const log = {
  info: (line: string): void => core.info(line),
  warning: (line: string): void => core.warning(line),
};

/** Fails the step with one `::error::` annotation (core.setFailed: exit code 1), no stack trace. */
export function fail(message: string): void {
  core.setFailed(message);
}

/** Runs an action's main; anything thrown fails the step with its message. */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}
