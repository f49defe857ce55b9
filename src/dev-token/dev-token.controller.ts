import { Body, Controller, HttpCode, NotFoundException, Post, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import jwt from 'jsonwebtoken';
import type { AppEnv } from '../config/env.js';

export const DEV_TOKEN_ROUTE = '/api/dev/token';
const TTL_SECONDS = 3600;

/** Only a local service signing with the public development secret hands out tokens. */
export const devTokensEnabled = (env: AppEnv): boolean => env.usingDevSecret && env.nodeEnv !== 'production';

class DevTokenRequest {
  @IsString()
  @Length(1, 128)
  sub: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  tenant_id?: string;
}

/**
 * The dashboard's "mint a dev token" button, as `npm run token` does on the command line. Outside
 * development it answers 404 like any unknown route: the secret is public, so are its tokens.
 */
@ApiExcludeController()
@Controller(DEV_TOKEN_ROUTE.slice(1))
export class DevTokenController {
  constructor(private readonly config: ConfigService) {}

  @Post()
  @HttpCode(200)
  mint(@Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) body: DevTokenRequest): { token: string; expires_in: number } {
    const env = this.config.getOrThrow<AppEnv>('app');
    if (!devTokensEnabled(env) || env.jwt.secret === undefined) throw new NotFoundException(`Cannot POST ${DEV_TOKEN_ROUTE}`);
    const claims = { sub: body.sub, roles: ['operator'], ...(body.tenant_id ? { tenant_id: body.tenant_id } : {}) };
    const token = jwt.sign(claims, env.jwt.secret, {
      algorithm: 'HS256', expiresIn: TTL_SECONDS, ...(env.jwt.issuer ? { issuer: env.jwt.issuer } : {}),
      ...(env.jwt.audience ? { audience: env.jwt.audience } : {}),
    });
    return { token, expires_in: TTL_SECONDS };
  }
}
