import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { WhoAmIResponse } from '@cj/api';
import { principalOfRequest } from '../http/auth.guard';
import type { HttpRequest, HttpResponse } from '../http/express-types';
import { EnvNamePipe } from '../http/name.pipe';
import { ConsoleFeed } from './console-feed';

/** A comment line now and then keeps proxies from closing a quiet feed. */
const KEEP_ALIVE_MS = 15_000;

/** What the web console needs besides the ordinary API: who the token is, and the live feed. */
@ApiTags('console')
@Controller('v1')
export class ConsoleController {
  constructor(private readonly feed: ConsoleFeed) {}

  @Get('whoami')
  @ApiOperation({ summary: "The bearer token's name and role (viewer or operator)" })
  whoami(@Req() request: HttpRequest): WhoAmIResponse {
    return principalOfRequest(request);
  }

  @Get('envs/:env/feed')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Server-sent events: status, hosts, rollouts and audit, each sent again when a projected batch changed it',
  })
  async live(
    @Param('env', EnvNamePipe) env: string,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const leave = await this.feed.subscribe(env, (change) =>
      response.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`),
    );
    const close = () => {
      clearInterval(keepAlive);
      leave();
    };
    // The page may have left while its first message was read.
    if (request.socket.destroyed) close();
    else request.once('close', close);
  }
}
