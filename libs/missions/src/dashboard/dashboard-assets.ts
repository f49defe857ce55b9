import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** One built file of the page, held in memory: the whole page is a few tens of KiB. */
export interface DashboardAsset {
  body: Buffer;
  /** Sent to clients that accept gzip; null when compressing saves nothing. */
  gzipped: Buffer | null;
  type: string;
  /** Vite puts a content hash in every name under assets/: cache those for good. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The page's folder: `ui/` beside the compiled library (dist/dashboard/ → dist/ui/); from the
 * sources (Jest) the library's last build (src/dashboard/ → dist/ui/).
 */
export function defaultDashboardDir(): string {
  const candidates = ['../ui/', '../../dist/ui/'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

/** Reads every file of the built page once, at boot; fails naming the folder when there is no page. */
export function loadDashboardAssets(dir: string): Map<string, DashboardAsset> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`MissionsDashboardModule: no built page in ${dir} (index.html missing): run \`npm run build -w missions\`.`);
  }
  const assets = new Map<string, DashboardAsset>();
  for (const file of filesUnder(dir)) {
    const path = relative(dir, file).split(sep).join('/');
    assets.set(path, dashboardAsset(path, readFileSync(file)));
  }
  return assets;
}

function dashboardAsset(path: string, body: Buffer): DashboardAsset {
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  const compressed = type === 'image/png' ? null : gzipSync(body, { level: 9 });
  const gzipped = compressed && compressed.length < body.length ? compressed : null;
  return { body, gzipped, type, immutable: path.startsWith('assets/') };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };

/**
 * The assets with the page's settings written into index.html as a `<meta>` (its CSP allows no
 * inline script): the page starts without a round trip to fetch them.
 */
export function withClientConfig(assets: Map<string, DashboardAsset>, config: object): Map<string, DashboardAsset> {
  const content = JSON.stringify(config).replace(/[&"<>]/g, (c) => HTML_ESCAPES[c]);
  const html = assets.get('index.html')!.body.toString('utf8')
    .replace('<head>', `<head>\n    <meta name="missions-config" content="${content}" />`);
  return new Map([...assets, ['index.html', dashboardAsset('index.html', Buffer.from(html))]]);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]);
}
