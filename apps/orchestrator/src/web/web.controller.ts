import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { HttpResponse } from '../http/express-types';
import { notFound } from '../http/problem';
import { ConsoleFiles, defaultConsoleRoot } from './console-files';
import { randomBytes } from 'node:crypto';
import { securityHeaders, STYLE_NONCE_PLACEHOLDER } from './console-headers';
import { PAGE_PATHS } from './page-paths';

/** Serves the web console's built files; its data comes from the JSON API, under the same tokens. */
@ApiExcludeController()
@Controller()
export class WebController {
  private readonly files = ConsoleFiles.load(process.env.CJ_WEB_ROOT ?? defaultConsoleRoot());

  @Get([...PAGE_PATHS])
  page(@Res() response: HttpResponse): void {
    const nonce = randomBytes(16).toString('base64');
    for (const [name, value] of Object.entries(securityHeaders(nonce))) response.setHeader(name, value);
    // The page names its hashed assets: a cached copy would outlive a new build.
    response.setHeader('Cache-Control', 'no-store');
    if (this.files.index === undefined) {
      response
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The web console is not built: run `npx vite build --config apps/web/vite.config.mts` (or npx nx run web:build).\n',
        );
      return;
    }
    response
      .status(200)
      .type('text/html; charset=utf-8')
      .send(this.files.index.toString('utf8').replace(STYLE_NONCE_PLACEHOLDER, nonce));
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: HttpResponse): void {
    const file = this.files.asset(name);
    if (file === undefined)
      throw notFound('asset-not-found', `the console has no asset ${name}`, 'reload the page: the console was rebuilt');
    for (const [header, value] of Object.entries(securityHeaders())) response.setHeader(header, value);
    // Names carry a content hash: a name always means the same bytes.
    response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    response.status(200).type(file.contentType).send(file.body);
  }
}
