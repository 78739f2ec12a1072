/**
 * An engine that takes a call and never answers (a dockerd stopped with SIGSTOP does exactly this:
 * the kernel accepts the connection, nobody reads it) against one that cannot be reached at all.
 * Only the first may still carry the call out later, so only its failure says the outcome is unknown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostUnreachable } from '../errors';
import { DockerRuntime } from './docker-runtime';

describe('an engine that does not answer', () => {
  let dir: string;
  let silent: Server;
  const accepted = new Set<Socket>();
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cj-silent-engine-'));
    silent = createServer((socket) => {
      accepted.add(socket.on('error', () => undefined));
      socket.on('data', (chunk: Buffer) => requests.push(chunk.toString('utf8').split('\r\n')[0]));
    });
    await new Promise<void>((resolve) => silent.listen(join(dir, 'docker.sock'), resolve));
  });

  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const frozen = () =>
    new DockerRuntime(
      { name: 'frozen', endpoint: `unix://${join(dir, 'docker.sock')}`, address: '127.0.0.1' },
      { connectTimeoutMs: 300 },
    );

  it('fails a call it received after the timeout, saying so, with its outcome unknown', async () => {
    const failure = await frozen()
      .remove('c0ffee')
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(HostUnreachable);
    expect((failure as HostUnreachable).outcomeUnknown).toBe(true);
    expect((failure as HostUnreachable).message).toMatch(
      /host frozen: .* \(no answer to "remove container c0ffee" within 0\.3s\)/,
    );
    expect(requests).toContain('DELETE /containers/c0ffee?force=true&v=true HTTP/1.1');
  });

  it('gives a stop its grace period on top of the timeout', async () => {
    const began = Date.now();
    const failure = await frozen()
      .stop('c0ffee', 1)
      .catch((error: unknown) => error);

    expect(Date.now() - began).toBeGreaterThanOrEqual(1_250);
    expect((failure as HostUnreachable).outcomeUnknown).toBe(true);
    expect((failure as HostUnreachable).message).toMatch(/no answer to "stop container c0ffee" within 1\.3s/);
  });

  it('fails at once, with nothing asked, when the engine cannot be reached', async () => {
    const gone = new DockerRuntime(
      { name: 'gone', endpoint: `unix://${join(dir, 'none.sock')}`, address: '127.0.0.1' },
      { connectTimeoutMs: 300 },
    );
    const failure = await gone.remove('c0ffee').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(HostUnreachable);
    expect((failure as HostUnreachable).outcomeUnknown).toBe(false);
    expect((failure as HostUnreachable).message).toMatch(/\(ENOENT\)/);
  });
});
