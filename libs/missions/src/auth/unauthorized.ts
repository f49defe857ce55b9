import { UnauthorizedException } from '@nestjs/common';

/**
 * The contract's 401, with Nest's full error body: `{statusCode: 401, message: 'Unauthorized',
 * error: 'Unauthorized'}`. A bare `new UnauthorizedException()` (passport's too) leaves out `error`.
 */
export const unauthorized = (): UnauthorizedException => new UnauthorizedException('Unauthorized');
