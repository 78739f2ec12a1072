import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import type { HttpResponse } from '../http/express-types';
import { pageHeaders, renderPage } from './page';
import { PAGE_PATHS } from './page-paths';

/** Serves the read-only status page; its data comes from the JSON API, under the same tokens. */
@ApiExcludeController()
@Controller()
export class WebController {
  @Get([...PAGE_PATHS])
  page(@Res() response: HttpResponse): void {
    const nonce = randomBytes(16).toString('base64');
    for (const [name, value] of Object.entries(pageHeaders(nonce))) response.setHeader(name, value);
    response.status(200).type('text/html; charset=utf-8').send(renderPage(nonce));
  }
}
