// `veil-verifier serve` contract tests (DESIGN.md "The three programs", "Verifier"):
// node verifier_serve_test.mjs VERIFIER CASE
// Each CASE starts the real server on a free loopback port in a fresh temporary data directory and fails with a
// message on the first broken expectation.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [verifierBin, caseName] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'veil-verifier-serve-'));
const file = (name) => join(dir, name);
const running = new Set();

// start runs `veil-verifier serve ARGS` and resolves once it printed its listening line.
function start(args) {
  const child = spawn(verifierBin, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

function run(args) {
  const r = spawnSync(verifierBin, ['serve', ...args], { encoding: 'utf8', timeout: 20000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const mode = (path) => statSync(path).mode & 0o777;
const apiKey = (data) => JSON.parse(readFileSync(join(data, 'api-keys.json'), 'utf8')).relying_parties[0].api_key;

async function createRequest(base, key, body = { vct: ['urn:veil:credential:age'], claims: [['age_over_18']] }) {
  const response = await fetch(`${base}/v1/presentation-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201, `create: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

function expectOneLineFailure(r, pattern, code = 1) {
  assert.equal(r.code, code, `expected exit ${code}, got ${r.code}: ${r.err}${r.out}`);
  assert.doesNotMatch(r.out, /listening on/, 'a failed start never announces itself');
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.err}`);
  if (pattern) assert.match(lines[0], pattern);
}

const cases = {
  async 'verifier serve prints one listening line, creates its 0600 secrets and answers a relying party'() {
    const data = file('data');
    const server = await start(['--port', '0', '--data-dir', data]);
    assert.ok(server.port > 0, 'port 0 picks a free port');
    assert.equal(mode(data), 0o700, 'the data dir is 0700');
    for (const name of ['api-keys.json', 'request-signing-key.pem']) {
      assert.equal(mode(join(data, name)), 0o600, `${name} is 0600`);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(data, 'trust.json'), 'utf8')), { issuers: [] }, 'no issuer trusted yet');
    const created = await createRequest(server.base, apiKey(data));
    assert.match(created.link, /^openid4vp:\/\/\?client_id=x509_hash%3A/);
    assert.equal(created.request_uri, `${server.base}/request/${created.id}`);
    const object = await fetch(created.request_uri);
    assert.equal(object.status, 200);
    assert.equal(object.headers.get('content-type'), 'application/oauth-authz-req+jwt');
    const unauthorized = await fetch(`${server.base}/v1/presentation-requests/${created.id}`);
    assert.equal(unauthorized.status, 401, 'results need the API key');
    const result = await stop(server);
    assert.equal(result.stdout, `listening on http://127.0.0.1:${server.port}\n`, 'stdout is exactly one line');
  },

  async 'verifier serve stops on SIGINT with exit 0'() {
    const server = await start(['--port', '0', '--data-dir', file('data')]);
    await stop(server, 'SIGINT');
  },

  async 'verifier serve --public-url names response_uri and request_uri'() {
    const data = file('data');
    const server = await start(['--port', '0', '--data-dir', data, '--public-url', 'https://verifier.example']);
    const created = await createRequest(server.base, apiKey(data));
    assert.equal(created.request_uri, `https://verifier.example/request/${created.id}`);
    // The self-signed certificate names verifier.example, so the client_id is x509_san_dns (DESIGN.md).
    assert.equal(created.client_id, 'x509_san_dns:verifier.example');
    const byValue = await createRequest(server.base, apiKey(data), { vct: ['urn:x'], claims: [['a']], mode: 'value' });
    const link = new URL(byValue.link.replace('openid4vp://', 'https://wallet.example/'));
    assert.equal(link.searchParams.get('response_uri'), `https://verifier.example/response/${byValue.id}`);
    assert.equal(link.searchParams.get('client_id'), `redirect_uri:https://verifier.example/response/${byValue.id}`);
    await stop(server);
  },

  async 'verifier serve --config with an unknown member fails with exit 1 naming it'() {
    writeFileSync(file('config.json'), JSON.stringify({ transaction_lifetime_seconds: 120, no_such_setting: true }));
    expectOneLineFailure(run(['--port', '0', '--data-dir', file('data'), '--config', file('config.json')]), /no_such_setting/);
  },

  async 'verifier serve --help exits 0 and --cert without --cert-key is a usage error'() {
    const r = run(['--help']);
    assert.equal(r.code, 0, `serve --help exited ${r.code}: ${r.err}`);
    for (const flag of ['--port', '--public-url', '--trust', '--api-keys', '--cert', '--allow-loopback-http']) {
      assert.match(r.out, new RegExp(flag));
    }
    expectOneLineFailure(run(['--port', '0', '--data-dir', file('data'), '--cert', file('cert.pem')]), /cert-key/, 2);
  },

  async 'a second start on the same data dir keeps the API key and the client_id'() {
    const data = file('data');
    const first = await start(['--port', '0', '--data-dir', data]);
    const key = apiKey(data);
    const before = await createRequest(first.base, key);
    await stop(first);
    const second = await start(['--port', '0', '--data-dir', data]);
    assert.equal(apiKey(data), key, 'the API key survives a restart');
    const after = await createRequest(second.base, key);
    assert.equal(after.client_id, before.client_id, 'same certificate, same client_id');
    // The first request survived too: its owner can still read it.
    const response = await fetch(`${second.base}/v1/presentation-requests/${before.id}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).status, 'pending');
    await stop(second);
  },

  async 'verifier serve on a port in use fails with exit 1'() {
    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      expectOneLineFailure(run(['--port', String(blocker.address().port), '--data-dir', file('data')]));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
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
