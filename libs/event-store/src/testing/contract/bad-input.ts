import type { EventData, ExpectedRevision } from '../../port';
import { InvalidArgumentError } from '../../validation';
import { newEvent, rejectionOf, type ContractFixture } from './fixture';

/** Bad requests fail alike on every adapter, naming the argument that is wrong. */
export function describeBadInput({ store, streamName }: ContractFixture): void {
  describe('bad input', () => {
    const cases: [string, string, () => Promise<unknown>][] = [
      ['an empty stream id', 'streamId', () => store().append('', [newEvent()], 'any')],
      [
        'an event id that is not a UUID',
        'events[0].id',
        () => store().append(streamName('bad-id'), [{ ...newEvent(), id: 'job-1' }], 'any'),
      ],
      [
        'an empty event type',
        'events[1].type',
        () => store().append(streamName('bad-type'), [newEvent(), { ...newEvent(), type: '' }], 'any'),
      ],
      [
        'data JSON cannot carry',
        'events[0].data',
        () => store().append(streamName('bad-data'), [{ ...newEvent(), data: { size: 1n } } as EventData], 'any'),
      ],
      [
        'a negative expected revision',
        'expectedRevision',
        () => store().append(streamName('bad-expected'), [newEvent()], -1n as ExpectedRevision),
      ],
      ['a negative max count', 'maxCount', () => store().readAll({ maxCount: -1 })],
    ];

    it.each(cases)('rejects %s with InvalidArgumentError naming %s', async (_, argument, attempt) => {
      const error = await rejectionOf(attempt());
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument });
    });
  });
}
