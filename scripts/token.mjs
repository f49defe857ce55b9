// `npm run token -- --sub alice [--tenant acme] [--roles a,b] [--app my-app] [--ttl 1h]`
// Prints a signed HS256 JWT for the local service on stdout (nothing else, so that
// `TOKEN=$(npm run -s token -- --sub alice)` works) and a one-line hint on stderr.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';

// A copy of DEV_JWT_SECRET in src/config/env.ts: this plain-Node script cannot import the
// TypeScript source without a build. src/config/env.spec.ts fails if the two drift apart.
const DEV_JWT_SECRET = 'missions-dev-secret-not-for-production';
const USAGE = 'usage: npm run token -- --sub <id> [--tenant <id>] [--roles a,b] [--app <id>] [--ttl 30s|15m|1h|7d]';
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 };

function fail(message) {
  console.error(`token: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseTtl(text) {
  const match = /^([1-9]\d*)([smhd])$/.exec(text);
  if (!match) fail(`--ttl must be a positive number followed by s, m, h or d (e.g. 15m), got "${text}".`);
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

// Same reading as src/config/env.ts: an empty or blank variable counts as unset.
const env = (name) => process.env[name]?.trim() || undefined;

let args;
try {
  args = parseArgs({
    options: {
      sub: { type: 'string' },
      tenant: { type: 'string' },
      roles: { type: 'string' },
      app: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  fail(error.message);
}
if (args.help) {
  console.error(USAGE);
  process.exit(0);
}
if (!args.sub) fail('--sub is required.');
for (const name of ['tenant', 'app']) if (args[name] === '') fail(`--${name} must not be empty (leave it out for none).`);
const roles = args.roles ? args.roles.split(',').map((role) => role.trim()).filter(Boolean) : [];
const ttlSeconds = parseTtl(args.ttl);

// The repository's .env, wherever this is run from; variables already set win over it.
const dotenv = fileURLToPath(new URL('../.env', import.meta.url));
if (existsSync(dotenv)) process.loadEnvFile(dotenv);
if (!env('JWT_SECRET') && env('JWT_PUBLIC_KEY')) {
  fail('JWT_PUBLIC_KEY is set: the service expects RS256/ES256 tokens, sign them with your issuer\'s private key.');
}
const secret = env('JWT_SECRET') ?? DEV_JWT_SECRET;

const claims = { sub: args.sub, roles };
if (args.tenant) claims.tenant_id = args.tenant;
if (args.app) claims.app_id = args.app;
const options = { algorithm: 'HS256', expiresIn: ttlSeconds };
if (env('JWT_ISSUER')) options.issuer = env('JWT_ISSUER');
if (env('JWT_AUDIENCE')) options.audience = env('JWT_AUDIENCE');

process.stdout.write(`${jwt.sign(claims, secret, options)}\n`);
const expires = new Date(Date.now() + ttlSeconds * 1000).toISOString();
console.error(
  `token: HS256 for sub=${args.sub} tenant=${args.tenant ?? '(none)'} roles=[${roles}], expires ${expires}, ` +
    `key ${secret === DEV_JWT_SECRET ? 'DEV_JWT_SECRET (dev only)' : 'JWT_SECRET'}; use: -H "Authorization: Bearer $TOKEN"`,
);
