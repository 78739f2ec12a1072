import { Inject, Injectable } from '@nestjs/common';
import type { ChangeRequest } from '@cj/api';
import { currentPrincipal } from '../auth/request-principal';
import { CLOCK, type Clock } from '../clock';
import type { CommandContext } from './command-context';
import { cjVersion } from '../config/cj-version';

/** Turns a request's ChangeRequest into a command context stamped with the clock and cj's version. */
@Injectable()
export class CommandContexts {
  private readonly version = cjVersion();

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  /**
   * Behind tokens the actor is the token's name, and what the client says it is (`user@host`) is
   * kept beside it as a claim; without tokens (loopback only) the client's word is all there is.
   */
  of(request: ChangeRequest): CommandContext {
    const principal = currentPrincipal();
    return {
      commandId: request.commandId,
      actor: principal?.name ?? request.actor,
      ...(principal && { claimedActor: request.actor }),
      ...(request.reason !== undefined && { reason: request.reason }),
      occurredAt: this.clock.now().toISOString(),
      cjVersion: this.version,
    };
  }

  /** For what the orchestrator does on its own (observation): actor `orchestrator`. */
  system(commandId: string, reason: string): CommandContext {
    return {
      commandId,
      actor: 'orchestrator',
      reason,
      occurredAt: this.clock.now().toISOString(),
      cjVersion: this.version,
    };
  }
}
