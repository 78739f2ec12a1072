import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { RecordedEvent } from '../../port';
import { WireError } from './wire';

/** EventStoreDB's default search window for filtered reads when the client sends none. */
const DEFAULT_WINDOW = 32;

export interface ServerFilter {
  matches(event: RecordedEvent): boolean;
  /** A checkpoint is due after this many scanned events: window × multiplier, as the server does it. */
  readonly checkpointEvery: number;
}

/** The wire's filter (stream-name or event-type; prefixes or a regex), or undefined for none. */
export function serverFilterOf(options: ReadReq.Options): ServerFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const onStream = filter.getFilterCase() === ReadReq.Options.FilterOptions.FilterCase.STREAM_IDENTIFIER;
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? compiled(expression.getRegex()) : undefined;
  const window =
    filter.getWindowCase() === ReadReq.Options.FilterOptions.WindowCase.MAX ? filter.getMax() : DEFAULT_WINDOW;
  return {
    matches: (event) => {
      const subject = onStream ? event.streamId : event.type;
      return prefixes.some((prefix) => subject.startsWith(prefix)) || (regex?.test(subject) ?? false);
    },
    checkpointEvery: Math.max(1, window * Math.max(1, filter.getCheckpointintervalmultiplier())),
  };
}

function compiled(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new WireError(`the filter's regex ${JSON.stringify(pattern)} does not compile: ${(error as Error).message}`);
  }
}
