import { parseStreamName, shellStream } from '../events/streams';
import type { EventMetadata } from '../events/metadata';
import { refuseShell, shellEnded, shellStarted, type ShellRequest } from './shell-session';

const at = (occurredAt: string): EventMetadata => ({
  actor: 'operator',
  correlationId: 'c',
  causationId: 'c',
  occurredAt,
  cjVersion: '0.1.0',
});
const REQUEST: ShellRequest = {
  sessionId: 's-1',
  job: 'web',
  task: 1,
  host: 'h1',
  containerId: 'abc',
  command: ['sh'],
  tty: true,
  client: 'web-console',
};

describe('a shell session', () => {
  it('given a viewer, when it asks for a shell, then it is refused for its role', () => {
    expect(refuseShell('viewer', 0, 4)).toEqual({ kind: 'role', role: 'viewer' });
  });

  it('given an operator with as many sessions open as the limit, when it asks for one more, then it is refused', () => {
    expect(refuseShell('operator', 4, 4)).toEqual({ kind: 'too-many', open: 4, limit: 4 });
    expect(refuseShell('operator', 3, 4)).toBeUndefined();
  });

  it('given a started session, when it ends, then the end names the same task and how long it lasted', () => {
    const started = shellStarted(REQUEST, at('2026-01-01T10:00:00.000Z'));
    const ended = shellEnded(started, 'exited', 0, at('2026-01-01T10:00:02.500Z'));
    expect(started.data).toEqual({
      sessionId: 's-1',
      job: 'web',
      task: 1,
      host: 'h1',
      containerId: 'abc',
      command: ['sh'],
      tty: true,
      client: 'web-console',
    });
    expect(ended).toMatchObject({
      type: 'ShellSessionEnded',
      data: { sessionId: 's-1', job: 'web', task: 1, host: 'h1', end: 'exited', exitCode: 0, durationMs: 2500 },
    });
  });

  it('given a session the client left, then its end has no exit code', () => {
    const ended = shellEnded(
      shellStarted(REQUEST, at('2026-01-01T10:00:00.000Z')),
      'left',
      undefined,
      at('2026-01-01T10:00:01.000Z'),
    );
    expect(ended.data).not.toHaveProperty('exitCode');
  });

  it('lives in a shell stream of its environment', () => {
    expect(parseStreamName(shellStream('prod', 's-1'))).toEqual({ env: 'prod', kind: 'shell', id: 's-1' });
  });
});
