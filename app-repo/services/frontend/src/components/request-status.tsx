// What a page shows while it waits for the API, and when the API failed: never a blank page.
import { describeFailure, RequestError } from '../api/request-error.ts';

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** `headingLevel` keeps the outline in order: 3 inside a section that has its own h2. */
export function LoadFailed({
  what,
  error,
  retry,
  headingLevel = 2,
}: {
  what: string;
  error: unknown;
  retry: () => void;
  headingLevel?: 2 | 3;
}) {
  const notFound = error instanceof RequestError && error.failure === 'not-found';
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  return (
    <div className="notice notice-error" role="alert">
      <Heading>{notFound ? `${what} not found` : `We couldn't load ${what.toLowerCase()}`}</Heading>
      <p>{describeFailure(error)}</p>
      {!notFound && (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
