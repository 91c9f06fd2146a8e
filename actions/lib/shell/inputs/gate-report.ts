/**
 * The gate-report verb's inputs (the gate-report action): the gates, the comment's marker and
 * author, whether to comment, and which pull request (the input, else the event's).
 */
import { commentMarker, parseGates } from '../../github/gate-report.ts';
import type { GateResult } from '../../github/gate-report.ts';
import { workflowTokenAuthor } from '../../github/sticky-comment.ts';
import type { EventPayload } from '../action-event.ts';
import type { ShellContext } from '../shell-context.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { naming, pullRequestNumberField, required } from './raw-inputs.ts';

export const gateReportFields = {
  gates: { kind: 'text', input: 'gates' },
  marker: { kind: 'text', input: 'marker' },
  token: { kind: 'text', input: 'token' },
  pullRequest: { kind: 'text', input: 'pull-request' },
  comment: { kind: 'flag', input: 'comment' },
  commentAuthor: { kind: 'text', input: 'comment-author' },
} as const satisfies Record<string, Field>;

type Json = Record<string, unknown>;

export interface GateReportInputs {
  gates: GateResult[];
  markerId: string;
  marker: string;
  token: string;
  /** Absent: not a pull request, or comment: false — the table goes to the job summary only. */
  pullRequest?: number;
  comment: boolean;
  author: string;
  /** The commit the table speaks of: the pull request's head, else the run's commit. */
  commit?: string;
}

function pullRequestNumber(raw: RawInputs<typeof gateReportFields>, event: EventPayload): number | undefined {
  const given = pullRequestNumberField(raw, 'pullRequest');
  if (given !== undefined) return given;
  const number = (event['pull_request'] as Json | undefined)?.['number'] ?? (event['issue'] as Json | undefined)?.['number'];
  return typeof number === 'number' ? number : undefined;
}

export function parseGateReportInputs(
  raw: RawInputs<typeof gateReportFields>,
  context: ShellContext,
  event: EventPayload,
): GateReportInputs {
  const gates = parseGates(required(raw, 'gates'), raw.label('gates'));
  const markerId = raw.text('marker') || 'slipway-gate-report';
  const marker = naming(raw.label('marker'), () => commentMarker(markerId));
  const pullRequest = pullRequestNumber(raw, event);
  const head = ((event['pull_request'] as Json | undefined)?.['head'] as Json | undefined)?.['sha'];
  const commit = typeof head === 'string' ? head : context.sha;
  return {
    gates,
    markerId,
    marker,
    token: raw.text('token'),
    ...(pullRequest !== undefined ? { pullRequest } : {}),
    comment: raw.flag('comment') ?? true,
    author: raw.text('commentAuthor') || workflowTokenAuthor,
    ...(commit ? { commit } : {}),
  };
}
