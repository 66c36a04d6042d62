// Shared pieces of the fault tests (issue 7 "Faults"): a seeded random source, the three real programs started
// and killed, SQLite's integrity check on their databases, and the protocol steps a wallet and a relying party
// take (OpenID4VCI pre-authorized code flow, OpenID4VP direct_post with a KB-JWT) written out in node so that
// the test sees exactly which answer it received before each kill.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PASSPHRASE = 'fault injection passphrase';
export const AGE_CLAIMS = { age_over_13: true, age_over_16: true, age_over_18: true, age_over_21: false, age_over_65: false };
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

// mulberry32: a small seeded generator, so that a failing run's kill moments can be replayed with its seed.
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFromEnvironment() {
  const given = process.env.VEIL_FAULTS_SEED;
  if (given !== undefined && given !== '') return Number(given) >>> 0;
  return crypto.randomBytes(4).readUInt32LE(0);
}

const dirs = [];
const children = new Set();
export function tempDir(prefix = 'veil-faults-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  if (!process.env.VEIL_KEEP_TMP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

export function privateDir(path) {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}

// start runs `BIN serve ARGS` and resolves once it printed its listening line (rejects if it exits first). The
// returned object has the child, the base URL, the collected output and |exited| (code, signal, output).
// |command| is what comes before ARGS (a wrapper passes []).
export function start(bin, args, { env = {}, cwd, command = ['serve'] } = {}) {
  const child = spawn(bin, [...command, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (c) => { output.stdout += c; });
  child.stderr.on('data', (c) => { output.stderr += c; });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => {
    children.delete(child);
    resolve({ code, signal, ...output });
  }));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`cannot start ${bin}: ${e.message}`)));
    const check = () => {
      const match = output.stdout.match(/^listening on (http:\/\/127\.0\.0\.1:(\d+))\n/);
      if (match) resolve({ child, exited, output, base: match[1], port: Number(match[2]) });
    };
    child.stdout.on('data', check);
    exited.then((r) => reject(new Error(`serve exited (${r.code ?? r.signal}) before listening: ${r.stderr.trim()}`)));
  });
}

// run runs a program to its end.
export function run(bin, args, { env = {}, cwd, timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out, err }); });
  });
}

export async function kill9(server) {
  server.child.kill('SIGKILL');
  return server.exited;
}

// integrityCheck opens |db| read-only with the sqlite3 shell and returns what PRAGMA integrity_check printed
// ("ok" when the file is sound).
export function integrityCheck(db) {
  const r = spawnSync('sqlite3', ['-readonly', db, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
  if (r.status !== 0) return `sqlite3 failed (${r.status}): ${r.stderr.trim()}`;
  return r.stdout.trim();
}

export function sqliteQuery(db, sql) {
  const r = spawnSync('sqlite3', ['-readonly', db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 ${sql}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

// ---- JOSE pieces ------------------------------------------------------------------------------------------------

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function newHolderKey() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { jwk: { kty, crv, x, y }, privateKey };
}

export function signJwt(header, payload, privateKey) {
  const input = `${b64(header)}.${b64(payload)}`;
  // JWS ES256 is raw r||s (RFC 7518 §3.4), not DER.
  const signature = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

export function jwtPayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

// ---- HTTP -------------------------------------------------------------------------------------------------------

// call makes one request; the answer is {status, body} (body parsed as JSON when it is JSON). A connection error
// (the server was killed) rejects, which callers treat as "not acknowledged".
export async function call(url, { method = 'GET', headers = {}, json, form, bearer } = {}) {
  const h = { ...headers };
  let body;
  if (json !== undefined) { h['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (form !== undefined) { h['Content-Type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(form).toString(); }
  if (bearer) h.Authorization = `Bearer ${bearer}`;
  const response = await fetch(url, { method, headers: h, body, signal: AbortSignal.timeout(15000) });
  const text = await response.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: response.status, body: parsed };
}

// ---- issuer side ------------------------------------------------------------------------------------------------

export function issuerConfig(dir, extra = {}) {
  const path = join(dir, 'issuer.json');
  writeFileSync(path, JSON.stringify({ rate_limit: { per_second: 1000000, burst: 1000000 }, ...extra }));
  return path;
}

export function adminKey(issuerDataDir) {
  return readFileSync(join(issuerDataDir, 'admin-api-key'), 'utf8').trim();
}

export async function createOffer(base, key, configuration = 'age', claims = AGE_CLAIMS) {
  return call(`${base}/admin/offers`, { method: 'POST', bearer: key,
    json: { credential_configuration_id: configuration, claims, tx_code: false } });
}

export function preAuthorizedCode(offer) {
  return offer.credential_offer.grants[PRE_AUTHORIZED_GRANT]['pre-authorized_code'];
}

export async function redeemCode(base, code) {
  return call(`${base}/token`, { method: 'POST', form: { grant_type: PRE_AUTHORIZED_GRANT, 'pre-authorized_code': code } });
}

export async function fetchNonce(base) {
  return call(`${base}/nonce`, { method: 'POST' });
}

export function keyProof(base, holder, cNonce) {
  return signJwt({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holder.jwk },
    { aud: base, iat: Math.floor(Date.now() / 1000), nonce: cNonce }, holder.privateKey);
}

export async function requestCredential(base, accessToken, proofs, configuration = 'age') {
  return call(`${base}/credential`, { method: 'POST', bearer: accessToken,
    json: { credential_configuration_id: configuration, proofs: { jwt: proofs } } });
}

// issueCredentials runs the whole pre-authorized flow for |count| holder keys and returns [{credential, holder}].
export async function issueCredentials(base, key, count) {
  const offer = await createOffer(base, key);
  if (offer.status !== 201) throw new Error(`offer: ${offer.status} ${JSON.stringify(offer.body)}`);
  const token = await redeemCode(base, preAuthorizedCode(offer.body));
  if (token.status !== 200) throw new Error(`token: ${token.status} ${JSON.stringify(token.body)}`);
  const nonce = await fetchNonce(base);
  const holders = Array.from({ length: count }, newHolderKey);
  const issued = await requestCredential(base, token.body.access_token,
    holders.map((h) => keyProof(base, h, nonce.body.c_nonce)));
  if (issued.status !== 200) throw new Error(`credential: ${issued.status} ${JSON.stringify(issued.body)}`);
  return issued.body.credentials.map((c, i) => ({ credential: c.credential, holder: holders[i] }));
}

export function statusOf(credential) {
  const { uri, idx } = jwtPayload(credential.split('~')[0]).status.status_list;
  return `${uri}#${idx}`;
}

// ---- verifier side ----------------------------------------------------------------------------------------------

// presentation builds `<jwt>~<disclosures of |names|>~<kb-jwt>` for a request's nonce and client_id (RFC 9901
// §4.3: sd_hash over everything before the KB-JWT).
export function presentation({ credential, holder }, names, { nonce, aud }) {
  const parts = credential.split('~');
  const disclosures = parts.slice(1).filter((d) => d && names.includes(JSON.parse(Buffer.from(d, 'base64url').toString())[1]));
  const prefix = `${parts[0]}~${disclosures.map((d) => `${d}~`).join('')}`;
  const sdHash = crypto.createHash('sha256').update(prefix).digest('base64url');
  const kb = signJwt({ alg: 'ES256', typ: 'kb+jwt' },
    { iat: Math.floor(Date.now() / 1000), aud, nonce, sd_hash: sdHash }, holder.privateKey);
  return prefix + kb;
}
