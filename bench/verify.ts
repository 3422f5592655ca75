import { performance } from 'node:perf_hooks';

import { jwtVerify } from 'jose';

import { claimsSchema, createVerifier, flattenClaims, loadAuthEnv } from '@openhouse/auth';
import { DEV_TOKEN_ISSUER, mintDevToken } from '@openhouse/auth/dev-token';

import { BENCH_JWT_SECRET } from './http';
import { benchHomeowners } from './workload';

/**
 * Token verification alone, in one process, the ways side by side (interleaved rounds):
 *   before   — what packages/auth did until now: jose given the raw secret, which it imports as a
 *              WebCrypto key on every call, then the claims parsed;
 *   miss     — createVerifier, every token new to it (the key imported once, the signature checked);
 *   hit      — createVerifier, the same few tokens again (the verified-token cache).
 *
 *   pnpm exec tsx bench/verify.ts [rounds]
 */

const ROUNDS = Number(process.argv[2] ?? 3);
const CALLS = 20_000;

const env = loadAuthEnv({ AUTH_JWT_SECRET: BENCH_JWT_SECRET, AUTH_JWT_ISSUER: DEV_TOKEN_ISSUER });
const homeowners = benchHomeowners();
const mint = (index: number) =>
  mintDevToken(homeowners[index % homeowners.length]!.user, {
    secret: BENCH_JWT_SECRET,
    // Distinct tokens: lifetimes differ by a second each.
    expiresIn: `${3600 + index}s`,
  });
const distinct = await Promise.all(Array.from({ length: CALLS }, (_, index) => mint(index)));
const few = distinct.slice(0, homeowners.length);

const secret = new TextEncoder().encode(BENCH_JWT_SECRET);
const before = async (token: string) => {
  const { payload } = await jwtVerify(token, secret, {
    algorithms: ['HS256'],
    audience: env.AUTH_JWT_AUDIENCE,
    issuer: env.AUTH_JWT_ISSUER,
    requiredClaims: ['exp', 'iat', 'sub'],
    maxTokenAge: env.AUTH_JWT_MAX_AGE_S,
    clockTolerance: 30,
  });
  return claimsSchema.parse(flattenClaims(payload));
};

async function time(call: (token: string) => Promise<unknown>, tokens: string[]) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < CALLS; index++) await call(tokens[index % tokens.length]!);
  const wallUs = ((performance.now() - started) * 1000) / CALLS;
  const used = process.cpuUsage(cpu);
  return { wallUs, cpuUs: (used.user + used.system) / CALLS };
}

const results: Record<string, { wallUs: number; cpuUs: number }[]> = { before: [], miss: [], hit: [] };
for (let round = 0; round < ROUNDS; round++) {
  // A fresh verifier per round: the miss run must not find the distinct tokens cached.
  const verify = createVerifier(env);
  results.before!.push(await time(before, distinct));
  results.miss!.push(await time(verify, distinct));
  results.hit!.push(await time(verify, few));
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`token verification, ${CALLS} calls per run, median of ${ROUNDS} interleaved rounds:\n`);
console.log('| way                                  | µs/call (wall) | CPU µs/call |');
console.log('| ------------------------------------ | -------------: | ----------: |');
for (const [key, name] of [
  ['before', 'before: secret imported per call'],
  ['miss', 'key imported once, token not cached'],
  ['hit', 'key imported once, token cached'],
] as const) {
  const runs = results[key]!;
  console.log(
    `| ${name.padEnd(36)} | ${median(runs.map((r) => r.wallUs))
      .toFixed(1)
      .padStart(14)} | ${median(runs.map((r) => r.cpuUs))
      .toFixed(1)
      .padStart(11)} |`,
  );
}
