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

export function LoadFailed({ what, error, retry }: { what: string; error: unknown; retry: () => void }) {
  const notFound = error instanceof RequestError && error.failure === 'not-found';
  return (
    <div className="notice notice-error" role="alert">
      <h2>{notFound ? `${what} not found` : `We couldn't load ${what.toLowerCase()}`}</h2>
      <p>{describeFailure(error)}</p>
      {!notFound && (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
