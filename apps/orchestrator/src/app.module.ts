import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { TokenRegistry } from './auth/token-registry';
import { TokensController } from './auth/tokens.controller';
import { CqrsModule } from '@nestjs/cqrs';
import { ApplyJobsFileHandler } from './apply/apply.handler';
import { ReplicateEnvironmentHandler } from './replicate/replicate.handler';
import { DownJobHandler } from './up-down/down.handler';
import { UpJobHandler } from './up-down/up.handler';
import { ConfirmHostsHandler } from './hosts/confirm/confirm-hosts.handler';
import type { OrchestratorOptions } from './config/options';
import { CoreModule } from './core.module';
import { AuthGuard } from './http/auth.guard';
import { AdminController } from './admin/admin.controller';
import { PortableLogController } from './portable-log/portable-log.controller';
import { ApplyController } from './apply/apply.controller';
import { UpDownController } from './up-down/up-down.controller';
import { ConfirmHostsController } from './hosts/confirm/confirm-hosts.controller';
import { ReplicateController } from './replicate/replicate.controller';
import { EnvQueriesController } from './env-queries/env-queries.controller';
import { EnvironmentsController } from './env-queries/environments.controller';
import { SystemController } from './system/system.controller';
import { HttpMetricsInterceptor } from './http/http-metrics.interceptor';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { ProblemFilter } from './http/problem.filter';
import { Lifecycle } from './lifecycle';
import { RolloutModule } from './rollouts/rollout.module';
import { DiffView } from './apply/diff.view';
import { LogsView } from './env-queries/logs.view';
import { StatusView } from './env-queries/status.view';
import { UpdateCandidatesView } from './env-queries/update-candidates.view';
import { ShellSessions } from './shell/shell-sessions';
import { ConsoleFeed } from './web/console-feed';
import { ConsoleController } from './web/console.controller';
import { WebController } from './web/web.controller';

/** The orchestrator: HTTP API and command handlers over the core (store, read models, hosts). */
@Module({})
export class AppModule {
  static forRoot(options: OrchestratorOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), CoreModule.forRoot(options), RolloutModule],
      controllers: [
        SystemController,
        EnvironmentsController,
        ApplyController,
        UpDownController,
        ConfirmHostsController,
        ReplicateController,
        EnvQueriesController,
        AdminController,
        PortableLogController,
        TokensController,
        WebController,
        ConsoleController,
      ],
      providers: [
        ApplyJobsFileHandler,
        UpJobHandler,
        DownJobHandler,
        ReplicateEnvironmentHandler,
        ConfirmHostsHandler,
        StatusView,
        DiffView,
        UpdateCandidatesView,
        LogsView,
        ConsoleFeed,
        ShellSessions,
        Lifecycle,
        {
          provide: APP_GUARD,
          inject: [TokenRegistry, Reflector],
          useFactory: (registry: TokenRegistry, reflector: Reflector) =>
            new AuthGuard(options.tokens, registry, reflector),
        },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
