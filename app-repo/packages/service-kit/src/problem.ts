/**
 * RFC 9457 problem details: every error a service answers with is one of these.
 * `errors` names the offending fields so a client can point at them.
 */
export interface FieldError {
  field: string;
  message: string;
  [detail: string]: unknown;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

const TYPE_BASE = 'https://slipway.dev/problems/';

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors: FieldError[] | undefined;

  constructor(status: number, slug: string, title: string, detail: string, errors?: FieldError[]) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = `${TYPE_BASE}${slug}`;
    this.title = title;
    this.errors = errors;
  }

  toBody(instance?: string): ProblemBody {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpProblem(400, 'bad-request', 'Bad request', detail, errors);
export const unauthorized = (detail: string) => new HttpProblem(401, 'unauthorized', 'Unauthorized', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'not-found', 'Not found', detail);
export const conflict = (slug: string, title: string, detail: string, errors?: FieldError[]) =>
  new HttpProblem(409, slug, title, detail, errors);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(422, 'unprocessable', 'Unprocessable request', detail, errors);
export const serviceUnavailable = (detail: string) => new HttpProblem(503, 'service-unavailable', 'Service unavailable', detail);
