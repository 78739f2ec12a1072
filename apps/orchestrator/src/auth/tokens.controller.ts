import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { NAME_PATTERN } from '@cj/domain';
import { LIMITS } from '@cj/api';
import { CLOCK, type Clock } from '../clock';
import { BOOTSTRAP_TOKEN_NAME, LOCAL_OPERATOR, READ_TOKEN_NAME } from '../http/principal';
import { conflict, notFound } from '../http/problem';
import { currentPrincipal } from './request-principal';
import { RequiredRole, ROLES, type Role } from './roles';
import { TokenNameTakenError, TokenRegistry, type TokenView } from './token-registry';

export class CreateTokenDto {
  @ApiProperty({ example: 'alice', description: 'who holds it: recorded as the actor of every change made with it' })
  @Matches(NAME_PATTERN, {
    message: `name must be letters, digits, "-" and "_", at most ${LIMITS.nameLength} characters`,
  })
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as Role[], { message: 'role must be viewer or operator' })
  role!: Role;
}

const RESERVED = new Set([BOOTSTRAP_TOKEN_NAME, READ_TOKEN_NAME, LOCAL_OPERATOR.name, 'orchestrator']);

/** Named tokens: created (the secret shown once), listed, revoked. Only operators manage them. */
@ApiTags('tokens')
@Controller('v1/admin/tokens')
@RequiredRole('operator')
export class TokensController {
  constructor(
    private readonly registry: TokenRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a named token with a role; its secret is in this answer only' })
  create(@Body() body: CreateTokenDto): TokenView & { token: string } {
    if (RESERVED.has(body.name))
      throw conflict('token-name-reserved', `${body.name} names cj's own actors`, "pick a person's or a system's name");
    try {
      const { token, view } = this.registry.create(
        body.name,
        body.role,
        currentPrincipal()?.name ?? 'loopback',
        this.clock.now().toISOString(),
      );
      return { ...view, token };
    } catch (error) {
      if (error instanceof TokenNameTakenError)
        throw conflict(
          'token-exists',
          error.message,
          `revoke it first (cj token revoke ${body.name}), or pick another name`,
        );
      throw error;
    }
  }

  @Get()
  @ApiOperation({ summary: 'The named tokens: name, role, created when and by whom (never the secret)' })
  list(): TokenView[] {
    return this.registry.list();
  }

  @Delete(':name')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a token: refused from the next request on' })
  revoke(@Param('name') name: string): { name: string; revoked: true } {
    if (!this.registry.revoke(name))
      throw notFound(
        'token-not-found',
        `no token is named ${JSON.stringify(name.slice(0, 80))}`,
        'cj token list shows the tokens',
      );
    return { name, revoked: true };
  }
}
