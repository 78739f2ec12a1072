import type { CommandMetadata } from '@cj/domain';

/**
 * Who asked, why, under which id, and when: what every command handler receives. It is the
 * domain's command metadata, as the HTTP layer fills it in from the request.
 */
export type CommandContext = CommandMetadata;
