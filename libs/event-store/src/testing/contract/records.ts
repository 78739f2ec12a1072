import { newEvent, type ContractFixture } from './fixture';

/** Item 11: what a recorded event carries. */
export function describeRecords({ store, streamName }: ContractFixture): void {
  describe('event records (11)', () => {
    it('carry stream, revision, position, id, type, data, metadata and a creation time', async () => {
      const stream = streamName('record');
      const written = newEvent(
        'JobRevisionCreated',
        {
          job: 'webhook-listener',
          image: 'webhook-listener:a5af2f2',
          port: 9999,
          envs: [{ key: 'http_port', value: '8990' }],
        },
        { actor: 'ops@git-app-1', correlationId: 'c-1' },
      );
      // Remote stores have their own clock: allow for a little skew.
      const before = Date.now() - 5_000;
      const { position } = await store().append(stream, [written], 'no_stream');
      const after = Date.now() + 5_000;
      const [fromStream] = await store().readStream(stream);
      expect(fromStream).toMatchObject({
        streamId: stream,
        revision: 0n,
        position,
        id: written.id,
        type: written.type,
        data: written.data,
        metadata: written.metadata,
      });
      expect(fromStream.created).toBeInstanceOf(Date);
      expect(fromStream.created.getTime()).toBeGreaterThanOrEqual(before);
      expect(fromStream.created.getTime()).toBeLessThanOrEqual(after);
      const [fromAll] = await store().readAll({ fromPosition: position, maxCount: 1 });
      expect(fromAll).toEqual(fromStream);
    });
  });
}
