import { Body, Controller, HttpCode, NotFoundException, Post, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import jwt from 'jsonwebtoken';
import type { AppEnv } from '../config/env.js';

export const DEV_TOKEN_ROUTE = '/api/dev/token';
const TTL_SECONDS = 3600;

/** Only a local service signing with the public development secret hands out tokens. */
export const devTokensEnabled = (env: AppEnv): boolean => env.usingDevSecret && env.nodeEnv !== 'production';

class DevTokenRequest {
  @ApiProperty({ type: String, minLength: 1, maxLength: 128, example: 'operator', description: 'The `sub` claim.' })
  @IsString()
  @Length(1, 128)
  sub: string;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 128, example: 'acme', description: 'The `tenant_id` claim; none: the null tenant.' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  tenant_id?: string;
}

class DevTokenResponse {
  @ApiProperty({ type: String, description: 'HS256 JWT with roles ["operator"].' }) token!: string;
  @ApiProperty({ type: Number, example: 3600 }) expires_in!: number;
}

/**
 * The dashboard's "mint a dev token" button, as `npm run token` does on the command line. Outside
 * development it answers 404 like any unknown route: the secret is public, so are its tokens.
 */
@ApiTags('development')
@Controller(DEV_TOKEN_ROUTE.slice(1))
export class DevTokenController {
  constructor(private readonly config: ConfigService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Mint a development token (only with the built-in development secret, outside production)' })
  @ApiOkResponse({ type: DevTokenResponse })
  @ApiBadRequestResponse({ description: 'A field missing, too long, or unknown.' })
  @ApiNotFoundResponse({ description: 'The service has a real key, or runs in production.' })
  mint(@Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) body: DevTokenRequest): DevTokenResponse {
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
