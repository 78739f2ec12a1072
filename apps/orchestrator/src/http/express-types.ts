import type { IncomingMessage, ServerResponse } from 'node:http';

/** The few Express request/response members cj uses (Express ships no types in this workspace). */
export interface HttpRequest extends IncomingMessage {
  readonly method: string;
  readonly path: string;
  readonly route?: { readonly path?: string };
}

export interface HttpResponse extends ServerResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  send(body: string | Buffer): HttpResponse;
}
