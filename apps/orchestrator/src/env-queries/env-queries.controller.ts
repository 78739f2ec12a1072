import { RequiredRole } from '../auth/roles';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { compareEnvironments, type ComparedEnvironment, environmentStreamPrefix } from '@cj/domain';
import {
  AUDIT_EARLIER_BEFORE,
  AUDIT_MORE_AFTER,
  type AuditEntry,
  type CompareResponse,
  type DiffResponse,
  type HistoryResponse,
  type HostView,
  type StatusResponse,
  type TimelineEntry,
  type UpdateCandidatesResponse,
  type WhyResponse,
  type LogVerification,
} from '@cj/api';
import type { EventStore } from '@cj/event-store';
import { verifyChains } from '../store/hash-chain';
import { EVENT_STORE } from '../store/open-event-store';
import { AuditQueries } from '../read-model/queries/audit-queries';
import { HostQueries } from '../read-model/queries/host-queries';
import { JobQueries } from '../read-model/queries/job-queries';
import { TimelineQueries } from '../read-model/queries/timeline-queries';
import { DiffView } from '../apply/diff.view';
import { LogsView } from './logs.view';
import { StatusView } from './status.view';
import { HostSightings } from '../observation/host-sightings';
import { UpdateCandidatesView } from './update-candidates.view';
import { DiffRequestDto } from '../apply/apply-request.dto';
import {
  AuditQueryDto,
  CompareQueryDto,
  LogsQueryDto,
  StatusQueryDto,
  TimelineQueryDto,
  WhyQueryDto,
} from './queries.dto';
import type { HttpRequest, HttpResponse } from '../http/express-types';
import { EnvNamePipe, JobNamePipe } from '../http/name.pipe';
import { notFound } from '../http/problem';
import { Clock, CLOCK } from '../clock';
import { Inject } from '@nestjs/common';

/** Reads of an environment, answered from the read models (never by scanning the log). */
@ApiTags('queries')
@Controller('v1/envs/:env')
export class EnvQueriesController {
  constructor(
    private readonly statusView: StatusView,
    private readonly diffView: DiffView,
    private readonly candidates: UpdateCandidatesView,
    private readonly logsView: LogsView,
    private readonly jobs: JobQueries,
    private readonly hosts: HostQueries,
    private readonly audit: AuditQueries,
    private readonly timeline: TimelineQueries,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sightings: HostSightings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('status')
  @ApiOperation({ summary: 'Desired and observed state of every task (or of one job)' })
  status(@Param('env', EnvNamePipe) env: string, @Query() query: StatusQueryDto): StatusResponse {
    return this.statusView.status(env, query.job);
  }

  @Get('compare')
  @ApiOperation({
    summary: "Every difference between two environments' jobs but host names: specs, image digests, tasks, what runs",
  })
  compare(@Param('env', EnvNamePipe) env: string, @Query() query: CompareQueryDto): CompareResponse {
    for (const name of [env, query.with]) {
      if (this.jobs.jobNames(name).length === 0 && this.hosts.specs(name).length === 0)
        throw notFound(
          'environment-not-found',
          `environment ${name} has no jobs and no hosts`,
          'check its name: cj --env ENV status',
        );
    }
    const differences = compareEnvironments(this.compared(env), this.compared(query.with));
    return { env, with: query.with, equal: differences.length === 0, differences };
  }

  private compared(env: string): ComparedEnvironment {
    const jobs = new Map([...this.jobs.currentSpecs(env)].map(([job, current]) => [job, current.spec]));
    return { env, jobs, tasks: this.statusView.status(env).tasks };
  }

  @Post('diff')
  @RequiredRole('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Three-way diff: the file, the recorded revision, what runs' })
  diff(@Param('env', EnvNamePipe) env: string, @Body() body: DiffRequestDto): Promise<DiffResponse> {
    return this.diffView.diff(env, body.jobs, body.base, body.job);
  }

  @Get('jobs/:job/update')
  @ApiOperation({ summary: "The job's running containers and the registry's tags, newest first" })
  updateCandidates(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
  ): Promise<UpdateCandidatesResponse> {
    return this.candidates.candidates(env, job);
  }

  @Get('jobs/:job/history')
  @ApiOperation({ summary: "The job's revisions, newest first" })
  history(@Param('env', EnvNamePipe) env: string, @Param('job', JobNamePipe) job: string): HistoryResponse {
    const history = this.jobs.history(env, job);
    if (!history)
      throw notFound(
        'job-not-found',
        `environment ${env} never had a job ${job}`,
        `list the jobs with cj status --env ${env}`,
      );
    return history;
  }

  @Get('hosts')
  @ApiOperation({ summary: "The environment's hosts and whether they answer" })
  hostViews(@Param('env', EnvNamePipe) env: string): HostView[] {
    // When each host last answered is kept apart from its reachability changes (not an event per poll).
    const seen = this.sightings.lastSeen(env);
    return this.hosts.views(env).map((host) => {
      const lastSeen = seen.get(host.name);
      return lastSeen !== undefined ? { ...host, lastSeen } : (({ lastSeen: _changed, ...rest }) => rest)(host);
    });
  }

  @Get('audit')
  @ApiOperation({ summary: 'Recorded events in log order: when, where, what, who and why' })
  auditLog(
    @Param('env', EnvNamePipe) env: string,
    @Query() query: AuditQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): AuditEntry[] {
    const page = this.audit.page(env, {
      job: query.job,
      task: query.task,
      host: query.host,
      rollout: query.rollout,
      actor: query.actor,
      types: query.type?.split(','),
      since: query.since && new Date(query.since).toISOString(),
      until: query.until && new Date(query.until).toISOString(),
      after: query.after === undefined ? undefined : BigInt(query.after),
      all: query.all,
      limit: query.limit ?? 100,
    });
    if (page.moreAfter !== undefined) response.setHeader(AUDIT_MORE_AFTER, page.moreAfter);
    if (page.earlierBefore !== undefined) response.setHeader(AUDIT_EARLIER_BEFORE, page.earlierBefore);
    return page.entries;
  }

  @Get('audit/verify')
  @ApiOperation({
    summary: "Checks every hash chain of the environment's streams and names the first broken link of each",
  })
  async verify(@Param('env', EnvNamePipe) env: string): Promise<LogVerification> {
    const report = await verifyChains(this.store, environmentStreamPrefix(env));
    return { ok: report.problems.length === 0, ...report };
  }

  @Get('jobs/:job/why')
  @ApiOperation({ summary: "The chain of events behind a task's current state" })
  why(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
    @Query() query: WhyQueryDto,
  ): WhyResponse {
    if (!this.jobs.history(env, job))
      throw notFound(
        'job-not-found',
        `environment ${env} never had a job ${job}`,
        `list the jobs with cj status --env ${env}`,
      );
    return this.audit.why(env, job, query.task ?? 0);
  }

  @Get('timeline')
  @ApiOperation({ summary: 'What ran where at an instant (default: now)' })
  timelineAt(@Param('env', EnvNamePipe) env: string, @Query() query: TimelineQueryDto): TimelineEntry[] {
    const at = query.at ? new Date(query.at).toISOString() : this.clock.now().toISOString();
    return this.timeline.at(env, at, query.host, query.spec ?? false);
  }

  @Get('jobs/:job/logs')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: "A task's container logs as text; follow=true streams until the client leaves" })
  async logs(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
    @Query() query: LogsQueryDto,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const abort = new AbortController();
    request.once('close', () => abort.abort());
    const { lines } = await this.logsView.logs(env, job, query.task ?? 0, {
      tail: query.tail ?? 100,
      follow: query.follow ?? false,
      signal: abort.signal,
    });
    response.status(200).type('text/plain; charset=utf-8');
    // A follower of a quiet container learns at once that the stream is open, not at its first line.
    response.flushHeaders();
    for await (const line of lines) {
      if (abort.signal.aborted) break;
      response.write(`${line.text}\n`);
    }
    response.end();
  }
}
