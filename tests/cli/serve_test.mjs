// `veil-issuer serve` contract tests (DESIGN.md "The three programs"): node serve_test.mjs ISSUER CASE
// Each CASE starts the real server on a free loopback port in a fresh temporary data directory and fails with a
// message on the first broken expectation.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [issuerBin, caseName] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'veil-serve-'));
const file = (name) => join(dir, name);
const running = new Set();

// start runs `veil-issuer serve ARGS` and resolves once it printed its listening line.
function start(args) {
  const child = spawn(issuerBin, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => { output.stdout += chunk; });
  child.stderr.on('data', (chunk) => { output.stderr += chunk; });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => {
    running.delete(child);
    resolve({ code, signal, ...output });
  }));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = output.stdout.match(/^listening on (http:\/\/127\.0\.0\.1:(\d+))\n/);
      if (match) resolve({ child, exited, output, base: match[1], port: Number(match[2]) });
    });
    exited.then(({ code, signal, stderr }) => reject(new Error(`serve exited (${code ?? signal}) before listening: ${stderr}`)));
  });
}

async function stop(server, signal = 'SIGTERM') {
  server.child.kill(signal);
  const result = await server.exited;
  assert.equal(result.code, 0, `serve stops on ${signal} with exit 0, got ${result.code ?? result.signal}: ${result.stderr}`);
  return result;
}

// run runs a serve invocation that is expected to end on its own.
function run(args) {
  const r = spawnSync(issuerBin, ['serve', ...args], { encoding: 'utf8', timeout: 20000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function getJson(url) {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}: ${response.status}`);
  return response.json();
}

const mode = (path) => statSync(path).mode & 0o777;

function expectOneLineFailure(r, pattern) {
  assert.equal(r.code, 1, `expected exit 1, got ${r.code}: ${r.err}${r.out}`);
  assert.doesNotMatch(r.out, /listening on/, 'a failed start never announces itself');
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.err}`);
  if (pattern) assert.match(lines[0], pattern);
}

const cases = {
  async 'serve prints one listening line, answers metadata on that port and creates 0600 secrets'() {
    const data = file('data');
    const server = await start(['--port', '0', '--data-dir', data]);
    assert.ok(server.port > 0, 'port 0 picks a free port');
    const metadata = await getJson(`${server.base}/.well-known/openid-credential-issuer`);
    assert.equal(metadata.credential_issuer, `http://127.0.0.1:${server.port}`);
    assert.equal(metadata.credential_endpoint, `http://127.0.0.1:${server.port}/credential`);
    assert.equal(mode(join(data, 'admin-api-key')), 0o600, 'admin-api-key is 0600');
    const keys = readdirSync(join(data, 'keys')).filter((name) => name.endsWith('.jwk'));
    assert.ok(keys.length >= 1, 'a signing key was generated into keys/');
    for (const key of keys) assert.equal(mode(join(data, 'keys', key)), 0o600, `keys/${key} is 0600`);
    const result = await stop(server);
    assert.equal(result.stdout, `listening on http://127.0.0.1:${server.port}\n`, 'stdout is exactly one line');
  },

  async 'serve stops on SIGINT with exit 0'() {
    const server = await start(['--port', '0', '--data-dir', file('data')]);
    await getJson(`${server.base}/.well-known/oauth-authorization-server`);
    await stop(server, 'SIGINT');
  },

  async 'serve --public-url names the issuer in every metadata document'() {
    const server = await start(['--port', '0', '--data-dir', file('data'), '--public-url', 'https://issuer.example']);
    const metadata = await getJson(`${server.base}/.well-known/openid-credential-issuer`);
    assert.equal(metadata.credential_issuer, 'https://issuer.example');
    assert.equal(metadata.credential_endpoint, 'https://issuer.example/credential');
    assert.equal(metadata.nonce_endpoint, 'https://issuer.example/nonce');
    const as = await getJson(`${server.base}/.well-known/oauth-authorization-server`);
    assert.equal(as.issuer, 'https://issuer.example');
    assert.equal(as.token_endpoint, 'https://issuer.example/token');
    const jwtVcIssuer = await getJson(`${server.base}/.well-known/jwt-vc-issuer`);
    assert.equal(jwtVcIssuer.issuer, 'https://issuer.example');
    await stop(server);
  },

  async 'serve --config with an unknown member fails with exit 1 naming it'() {
    writeFileSync(file('config.json'), JSON.stringify({ batch_size: 4, no_such_setting: true }));
    const r = run(['--port', '0', '--data-dir', file('data'), '--config', file('config.json')]);
    expectOneLineFailure(r, /no_such_setting/);
  },

  async 'serve --help exits 0'() {
    const r = run(['--help']);
    assert.equal(r.code, 0, `serve --help exited ${r.code}: ${r.err}`);
    assert.match(r.out, /veil-issuer serve/);
    assert.match(r.out, /--port/);
    assert.match(r.out, /--public-url/);
  },

  async 'a second start on the same data dir keeps the admin key and the JWKS'() {
    const data = file('data');
    const first = await start(['--port', '0', '--data-dir', data]);
    const key = readFileSync(join(data, 'admin-api-key'), 'utf8');
    const jwks = (await getJson(`${first.base}/.well-known/jwt-vc-issuer`)).jwks;
    assert.ok(jwks.keys.length >= 1 && jwks.keys.every((k) => k.kid && !('d' in k)), 'public keys with kid');
    await stop(first);
    const second = await start(['--port', '0', '--data-dir', data]);
    assert.equal(readFileSync(join(data, 'admin-api-key'), 'utf8'), key, 'the admin key survives a restart');
    assert.deepEqual((await getJson(`${second.base}/.well-known/jwt-vc-issuer`)).jwks, jwks, 'same JWKS');
    // The kept key still opens the admin API.
    const response = await fetch(`${second.base}/admin/credentials`, { headers: { authorization: `Bearer ${key.trim()}` } });
    assert.equal(response.status, 200, 'the kept admin key is accepted');
    await stop(second);
  },

  async 'serve on a port in use fails with exit 1'() {
    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const r = run(['--port', String(blocker.address().port), '--data-dir', file('data')]);
      expectOneLineFailure(r);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    // Another issuer holds the port: SO_REUSEPORT would let the second one bind and take half the connections.
    const first = await start(['--port', '0', '--data-dir', file('first')]);
    expectOneLineFailure(run(['--port', String(first.port), '--data-dir', file('second')]));
    await stop(first);
  },
};

const test = cases[caseName];
if (!test) {
  console.error(`unknown case "${caseName}"; cases:\n${Object.keys(cases).join('\n')}`);
  process.exit(2);
}
try {
  await test();
  console.log(`ok - ${caseName}`);
} catch (e) {
  console.error(`not ok - ${caseName}\n${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  for (const child of running) child.kill('SIGKILL');
  if (!process.env.VEIL_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
