import type { ApiProblem } from '@cj/api';

type JobsFileError = NonNullable<ApiProblem['errors']>[number];

/**
 * An error the API reports as an RFC 7807 problem: what is wrong (detail) and what to do (hint).
 * Everything a handler refuses is one of these, so the filter never guesses a status.
 */
export class ProblemError extends Error {
  override readonly name: string = 'ProblemError';
  constructor(
    readonly status: number,
    /** Short, stable slug: the problem type is `https://cj.dev/problems/<slug>`. */
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly hint?: string,
    readonly errors?: readonly JobsFileError[],
  ) {
    super(detail);
  }

  toProblem(): ApiProblem {
    return {
      type: `https://cj.dev/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.errors === undefined ? {} : { errors: this.errors }),
    };
  }
}

export const badRequest = (detail: string, hint?: string) =>
  new ProblemError(400, 'bad-request', 'Bad request', detail, hint);

export const notFound = (slug: string, detail: string, hint?: string) =>
  new ProblemError(404, slug, 'Not found', detail, hint);

export const conflict = (slug: string, detail: string, hint?: string) =>
  new ProblemError(409, slug, 'Conflict', detail, hint);

export const invalidJobsFile = (errors: readonly JobsFileError[]) =>
  new ProblemError(
    422,
    'invalid-jobs-file',
    'Invalid jobs file',
    `the jobs file has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was recorded`,
    'fix every error listed (file:line:column) and apply again',
    errors,
  );

export const unprocessable = (slug: string, detail: string, hint?: string) =>
  new ProblemError(422, slug, 'Unprocessable request', detail, hint);

export const unavailable = (slug: string, detail: string, hint?: string) =>
  new ProblemError(503, slug, 'Service unavailable', detail, hint);
