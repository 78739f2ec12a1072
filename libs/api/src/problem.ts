/** An error answer of the API: RFC 7807 problem+json (`application/problem+json`). */
export interface ApiProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** What to do about it. */
  readonly hint?: string;
  /** Jobs-file errors: `file:line:column: message (hint)` each. */
  readonly errors?: readonly {
    file: string;
    line: number;
    column: number;
    path: string;
    message: string;
    hint?: string;
  }[];
}
