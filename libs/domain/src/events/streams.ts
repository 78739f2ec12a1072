/** Every stream name starts with its environment, so one environment can be read or copied alone. */
export type StreamKind = 'job' | 'rollout' | 'host' | 'shell';

export interface StreamName {
  readonly env: string;
  readonly kind: StreamKind;
  /** Job name, rollout id, host name or shell session id. */
  readonly id: string;
}

export class InvalidStreamNameError extends Error {
  override readonly name = 'InvalidStreamNameError';

  constructor(readonly stream: string) {
    super(`"${stream}" is not a cj stream name; expected cj.<env>.job|rollout|host|shell.<id>`);
  }
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const STREAM = /^cj\.([^.]+)\.(job|rollout|host|shell)\.([^.]+)$/;

function streamName(env: string, kind: StreamKind, id: string): string {
  const name = `cj.${env}.${kind}.${id}`;
  if (!SEGMENT.test(env) || !SEGMENT.test(id)) throw new InvalidStreamNameError(name);
  return name;
}

export const jobStream = (env: string, job: string) => streamName(env, 'job', job);
export const rolloutStream = (env: string, rolloutId: string) => streamName(env, 'rollout', rolloutId);
export const hostStream = (env: string, host: string) => streamName(env, 'host', host);
export const shellStream = (env: string, sessionId: string) => streamName(env, 'shell', sessionId);

/** The prefix of all of an environment's streams, for filtered subscriptions. */
export const environmentStreamPrefix = (env: string) => `cj.${env}.`;

export function parseStreamName(stream: string): StreamName {
  const match = STREAM.exec(stream);
  if (!match || !SEGMENT.test(match[1]) || !SEGMENT.test(match[3])) throw new InvalidStreamNameError(stream);
  return { env: match[1], kind: match[2] as StreamKind, id: match[3] };
}
