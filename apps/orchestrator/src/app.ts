import { INestApplication, LoggerService, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { cjVersion } from './config/cj-version';
import type { OrchestratorOptions } from './config/options';
import type { HttpRequest, HttpResponse } from './http/express-types';
import { describeResponses } from './http/openapi/operation-responses';
import { useRequestLimits } from './http/request-limits';
import { requestPrincipal } from './auth/request-principal';

/** Builds the Nest application: validation, problem+json errors, OpenAPI at /openapi.json. */
export async function createOrchestrator(
  options: OrchestratorOptions,
  logger: LoggerService,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger,
    bodyParser: false,
  });
  // Every request's principal (set by the AuthGuard) is read where commands get their metadata.
  app.use((_request: unknown, _response: unknown, next: () => void) => requestPrincipal.run({}, next));
  // Jobs files travel in the body: allow more than the 100 kB default, up to the documented limit.
  useRequestLimits(app);
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true }),
  );

  const document = describeResponses(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('cj orchestrator')
        .setDescription('Jobs kept as code, run as containers on named hosts; every change is an event.')
        .setVersion(cjVersion())
        .addBearerAuth()
        .build(),
    ),
  );
  app.getHttpAdapter().get('/openapi.json', (_request: HttpRequest, response: HttpResponse) => {
    response.type('application/json').send(JSON.stringify(document));
  });
  return app;
}
