/** The payload of the event that triggered the job: @actions/github's `context.payload` ({} without one). */
import { context } from '@actions/github';

export type EventPayload = Record<string, unknown>;

export function eventPayload(): EventPayload {
  return context.payload as EventPayload;
}
