import { ForbiddenException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { METRICS_MODULE_OPTIONS } from './metrics.module-definition.js';
import { DEFAULT_METRICS_ALLOW, type MetricsModuleOptions } from './metrics.options.js';

/** Parses `addr` or `addr/bits` entries into a BlockList; throws naming the bad entry. */
export function allowListFrom(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new Error(`not an IP address or CIDR range: "${entry}"`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

const safeEqual = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Opens `/metrics` to a caller whose socket address is allow-listed, or who shows the bearer
 * token. The socket address, not X-Forwarded-For: a header anyone can send must not open it.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly allow: BlockList;

  constructor(@Inject(METRICS_MODULE_OPTIONS) private readonly options: MetricsModuleOptions) {
    this.allow = allowListFrom(options.allow ?? DEFAULT_METRICS_ALLOW);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; socket: { remoteAddress?: string } }>();
    const token = this.options.token;
    const header = request.headers.authorization ?? '';
    if (token && header.startsWith('Bearer ') && safeEqual(header.slice(7), token)) return true;
    if (this.allowed(request.socket.remoteAddress)) return true;
    throw new ForbiddenException('Metrics are not open to this client');
  }

  private allowed(remote: string | undefined): boolean {
    if (!remote) return false;
    // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)?.[1];
    return v4 ? this.allow.check(v4, 'ipv4') : this.allow.check(remote, isIP(remote) === 4 ? 'ipv4' : 'ipv6');
  }
}
