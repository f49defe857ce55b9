import { Controller, Get, Headers, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { rawResponse } from '../http/raw-response.js';
import { withClientConfig, type DashboardAsset } from './dashboard-assets.js';
import {
  DASHBOARD_ASSETS, MISSIONS_DASHBOARD_OPTIONS, type DashboardClientConfig, type MissionsDashboardOptions,
} from './missions-dashboard.options.js';

/** The page's own policy, stricter than a host's default: no inline script, no other origin but the API's. */
function contentSecurityPolicy(options: MissionsDashboardOptions): string {
  const origins = [options.apiBase, options.devTokenUrl].flatMap((url) => (url && URL.canParse(url) ? [new URL(url).origin] : []));
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    `connect-src 'self'${origins.map((o) => ` ${o}`).join('')}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'self'",
  ].join('; ');
}

/** Serves the built dashboard under `/ui/` from memory, its settings inside the page. No auth: the page holds no data. */
@ApiExcludeController()
@Controller('ui')
export class MissionsDashboardController {
  private readonly csp: string;
  private readonly assets: Map<string, DashboardAsset>;

  constructor(
    @Inject(DASHBOARD_ASSETS) built: Map<string, DashboardAsset>,
    @Inject(MISSIONS_DASHBOARD_OPTIONS) options: MissionsDashboardOptions,
  ) {
    this.csp = contentSecurityPolicy(options);
    const config: DashboardClientConfig = { api_base: options.apiBase ?? '/api/missions', dev_token_url: options.devTokenUrl ?? null };
    this.assets = withClientConfig(built, config);
  }

  // Named parameters only, no wildcard: Express and Fastify spell wildcards differently, and the
  // built page is flat (index.html, assets/<hashed name>). Unknown files get the page itself, so a
  // reload of a mistyped path still lands somewhere useful (views are #/… fragments).
  @Get()
  page(@Req() request: unknown, @Res() response: unknown, @Headers('accept-encoding') acceptEncoding: string | undefined): void {
    if (!requestPath(request).endsWith('/')) {
      // The page's asset URLs are relative: they resolve under /ui/ only.
      rawResponse(response).writeHead(308, { Location: `${requestPath(request)}/` }).end();
      return;
    }
    this.send(response, this.assets.get('index.html')!, acceptEncoding, false);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() response: unknown, @Headers('accept-encoding') acceptEncoding: string | undefined): void {
    const found = this.assets.get(`assets/${file}`);
    this.send(response, found ?? this.assets.get('index.html')!, acceptEncoding, found === undefined);
  }

  @Get(':file')
  file(@Param('file') file: string, @Res() response: unknown, @Headers('accept-encoding') acceptEncoding: string | undefined): void {
    this.send(response, this.assets.get(file) ?? this.assets.get('index.html')!, acceptEncoding, false);
  }

  private send(response: unknown, asset: DashboardAsset, acceptEncoding: string | undefined, missing: boolean): void {
    const res = rawResponse(response);
    if (missing) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const gzip = asset.gzipped !== null && /\bgzip\b/.test(acceptEncoding ?? '');
    const body = gzip ? asset.gzipped! : asset.body;
    res.setHeader('Content-Security-Policy', this.csp);
    res.writeHead(200, {
      'Content-Type': asset.type,
      'Content-Length': body.length,
      'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(body);
  }
}

function requestPath(request: unknown): string {
  const req = request as { originalUrl?: string; url?: string; raw?: { url?: string } };
  const url = req.originalUrl ?? req.raw?.url ?? req.url ?? '/';
  return url.split('?')[0];
}
