import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { TokenRegistry } from './auth/token-registry';
import { TokensController } from './auth/tokens.controller';
import { CqrsModule } from '@nestjs/cqrs';
import { ApplyJobsFileHandler } from './commands/apply/apply.handler';
import { ReplicateEnvironmentHandler } from './commands/replicate/replicate.handler';
import { DownJobHandler } from './commands/up-down/down.handler';
import { UpJobHandler } from './commands/up-down/up.handler';
import { ConfirmHostsHandler } from './hosts/confirm/confirm-hosts.handler';
import type { OrchestratorOptions } from './config/options';
import { CoreModule } from './core.module';
import { AuthGuard } from './http/auth.guard';
import { AdminController } from './http/controllers/admin.controller';
import { PortableLogController } from './portable-log/portable-log.controller';
import { EnvCommandsController } from './http/controllers/env-commands.controller';
import { EnvQueriesController } from './http/controllers/env-queries.controller';
import { EnvironmentsController } from './http/controllers/environments.controller';
import { SystemController } from './http/controllers/system.controller';
import { HttpMetricsInterceptor } from './http/http-metrics.interceptor';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { ProblemFilter } from './http/problem.filter';
import { Lifecycle } from './lifecycle';
import { RolloutModule } from './rollout/rollout.module';
import { DiffView } from './views/diff.view';
import { LogsView } from './views/logs.view';
import { StatusView } from './views/status.view';
import { UpdateCandidatesView } from './views/update-candidates.view';
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
        EnvCommandsController,
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
