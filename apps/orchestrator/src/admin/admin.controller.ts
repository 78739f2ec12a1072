import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import type { ReadModelVerification } from '@cj/api';
import { SqliteEventStore, type EventStore } from '@cj/event-store';
import { ProjectionRunner } from '../read-model/projection-runner';
import { ChainedEventStore } from '../store/hash-chain';
import { EVENT_STORE } from '../store/open-event-store';
import { BackupRequestDto } from './backup-request.dto';
import { badRequest, conflict } from '../http/problem';

@ApiTags('admin')
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Replays the whole log into new read models beside the live ones (which keep answering) and
   * swaps them in once caught up; answers then.
   */
  @Post('rebuild-projections')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rebuild the read models from the log beside the live ones, then swap them in' })
  async rebuild(): Promise<{ position: string }> {
    await this.projections.rebuild();
    await this.projections.caughtUp();
    return { position: String(this.projections.position) };
  }

  /** Replays the whole log into scratch read models and compares them row by row with the live ones. */
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Compare the live read models with a replay of the whole log into a scratch file' })
  async verify(): Promise<ReadModelVerification> {
    const { position, events, differences } = await this.projections.verify();
    return { ok: differences.length === 0, position: String(position), events, differences };
  }

  /**
   * A consistent copy of the embedded store at a path on the orchestrator's machine, by SQLite's
   * online backup (never a copy of the file, which misses what is still in the WAL).
   */
  @Post('backup')
  @HttpCode(200)
  @ApiOperation({
    summary: "Copy the embedded event store to a new file on the orchestrator's machine (SQLite online backup)",
  })
  async backup(@Body() body: BackupRequestDto): Promise<{ path: string }> {
    const store = this.store instanceof ChainedEventStore ? this.store.inner : this.store;
    if (!(store instanceof SqliteEventStore)) {
      throw badRequest(
        'the orchestrator runs on EventStoreDB, whose backups are its own',
        'back up the EventStoreDB cluster with its tools',
      );
    }
    if (!isAbsolute(body.path))
      throw badRequest(
        `backup path ${body.path} is not absolute`,
        "give an absolute path on the orchestrator's machine",
      );
    if (existsSync(body.path))
      throw conflict(
        'backup-exists',
        `${body.path} already exists`,
        'choose a new file: a backup never overwrites one',
      );
    if (!existsSync(dirname(body.path)))
      throw badRequest(`directory ${dirname(body.path)} does not exist`, 'create it first');
    await store.backup(body.path);
    return { path: body.path };
  }
}
