// veil-wallet command contract (DESIGN.md "The three programs", issue 4): serve, accept, list, respond, history.
// Run with node's test runner: VEIL_ISSUER_BIN=... VEIL_WALLET_BIN=... node --test wallet_cli_test.mjs
// Each test works in a fresh temporary directory; an issuer runs as a real `veil-issuer serve`, the verifier is a
// small scripted direct_post endpoint in this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

const issuerBin = process.env.VEIL_ISSUER_BIN;
const walletBin = process.env.VEIL_WALLET_BIN;
const verifierBin = process.env.VEIL_VERIFIER_BIN;
assert.ok(issuerBin && walletBin, 'set VEIL_ISSUER_BIN and VEIL_WALLET_BIN');

const PASSPHRASE = 'correct horse battery staple';
const dirs = [];
const running = new Set();
after(() => {
  for (const child of running) child.kill('SIGKILL');
  if (!process.env.VEIL_KEEP_TMP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'veil-wallet-cli-'));
  dirs.push(dir);
  return dir;
}

// run runs a program to its end (asynchronously, so that in-process servers keep answering).
function run(bin, args, { input = '', env = {}, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

// walletIn returns a runner for veil-wallet on one data dir, with the passphrase in the environment and a config
// that lets it talk to the loopback issuer and verifier of these tests.
function walletIn(dir) {
  const config = join(dir, 'wallet.json');
  writeFileSync(config, JSON.stringify({ allow_loopback_http: true, kdf: 'minimum' }));
  const env = { VEIL_WALLET_PASSPHRASE: PASSPHRASE };
  return (args, options = {}) => run(walletBin, [...args, '--data-dir', join(dir, 'wallet'), '--config', config],
    { cwd: dir, ...options, env: { ...env, ...(options.env ?? {}) } });
}

// start runs a `serve` command and resolves once it printed its listening line.
function start(bin, args, { env = {}, cwd } = {}) {
  const child = spawn(bin, ['serve', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (c) => { output.stdout += c; });
  child.stderr.on('data', (c) => { output.stderr += c; });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => {
    running.delete(child);
    resolve({ code, signal, ...output });
  }));
  const listening = new Promise((resolve, reject) => {
    const check = () => {
      const match = output.stdout.match(/^listening on (http:\/\/127\.0\.0\.1:(\d+))\n/);
      if (match) resolve({ child, exited, output, base: match[1], port: Number(match[2]) });
    };
    child.stdout.on('data', check);
    exited.then((r) => reject(new Error(`serve exited (${r.code ?? r.signal}) before listening: ${r.stderr}`)));
  });
  return listening;
}

async function startIssuer() {
  const dir = tempDir();
  const server = await start(issuerBin, ['--port', '0', '--data-dir', join(dir, 'issuer')], { cwd: dir });
  const adminKey = readFileSync(join(dir, 'issuer', 'admin-api-key'), 'utf8').trim();
  server.offer = async (configuration, claims, txCode = false) => {
    const response = await fetch(`${server.base}/admin/offers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ credential_configuration_id: configuration, claims, tx_code: txCode }),
    });
    assert.equal(response.status, 201, `create offer: ${response.status}`);
    return response.json();
  };
  return server;
}

const person = JSON.parse(readFileSync(new URL('../../schemas/person/example_claims.json', import.meta.url), 'utf8'));

// A scripted verifier: POST /response records the direct_post form and answers {}.
async function startVerifier() {
  const posts = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => { body += c; });
    request.on('end', () => {
      posts.push(Object.fromEntries(new URLSearchParams(body)));
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const responseUri = `http://127.0.0.1:${server.address().port}/response`;
  return { posts, responseUri, close: () => new Promise((resolve) => server.close(resolve)) };
}

const personDcql = {
  credentials: [{
    id: 'person', format: 'dc+sd-jwt', meta: { vct_values: ['urn:veil:credential:person'] },
    claims: [{ id: 'g', path: ['given_name'] }, { id: 'c', path: ['address', 'country'] }],
    claim_sets: [['g', 'c'], ['g']],
  }],
};

function requestLink(verifier, nonce) {
  const params = new URLSearchParams({
    client_id: `redirect_uri:${verifier.responseUri}`, response_type: 'vp_token', response_mode: 'direct_post',
    response_uri: verifier.responseUri, nonce, state: `state-${nonce}`, dcql_query: JSON.stringify(personDcql),
  });
  return `openid4vp://?${params}`;
}

function disclosedNames(presentation) {
  const parts = presentation.split('~').slice(1).filter((p) => p && !p.includes('.'));
  return parts.map((d) => JSON.parse(Buffer.from(d, 'base64url').toString('utf8'))).filter((d) => d.length === 3)
    .map((d) => d[1]).sort();
}

function expectOneLineError(r, code, exit = 1) {
  assert.equal(r.code, exit, `expected exit ${exit}, got ${r.code}: ${r.err}${r.out}`);
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, `one error line, got: ${r.err}`);
  if (code) assert.match(lines[0], new RegExp(code));
}

test('veil-wallet lists the wallet commands and every one has --help', async () => {
  const top = await run(walletBin, ['--help']);
  assert.equal(top.code, 0);
  for (const command of ['serve', 'accept', 'list', 'respond', 'history', 'keygen', 'present']) {
    assert.match(top.out, new RegExp(`\\b${command}\\b`), `--help lists ${command}`);
    const help = await run(walletBin, [command, '--help']);
    assert.equal(help.code, 0, `${command} --help: ${help.err}`);
    assert.match(help.out, new RegExp(`^usage: veil-wallet ${command}`));
  }
});

test('usage errors exit 2 with one line on stderr', async () => {
  const dir = tempDir();
  const wallet = walletIn(dir);
  for (const args of [['accept'], ['respond'], ['accept', 'a', 'b'], ['respond', 'x', '--yes', '--decline'],
    ['list', '--bogus'], ['history', 'extra'], ['serve', '--port', 'abc']]) {
    const r = await wallet(args);
    expectOneLineError(r, null, 2);
  }
});

test('commands on a data dir without a wallet fail with exit 1, as one line or as JSON with --json', async () => {
  const dir = tempDir();
  const wallet = walletIn(dir);
  expectOneLineError(await wallet(['list']), 'invalid_argument');
  const json = await wallet(['history', '--json']);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.err.trim()).error.code, 'invalid_argument');
});

test('serve prints its listening line, then a one-time UI link; the api-token is 0600; SIGTERM stops it', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'wallet');
  writeFileSync(join(dir, 'wallet.json'), JSON.stringify({ kdf: 'minimum' }));
  const server = await start(walletBin, ['--port', '0', '--data-dir', dataDir, '--config', join(dir, 'wallet.json')],
    { cwd: dir, env: { VEIL_WALLET_PASSPHRASE: PASSPHRASE } });
  await new Promise((resolve) => {
    const check = () => { if (/\nopen /.test(server.output.stdout)) resolve(); };
    server.child.stdout.on('data', check);
    check();
  });
  const lines = server.output.stdout.split('\n');
  assert.equal(lines.filter((l) => l.startsWith('listening on')).length, 1);
  const link = lines[1].match(/^open (http:\/\/127\.0\.0\.1:\d+)\/#login=([A-Za-z0-9_-]+) /);
  assert.ok(link, `open line: ${lines[1]}`);
  assert.equal(link[1], server.base);
  assert.equal(statSync(join(dataDir, 'api-token')).mode & 0o777, 0o600);
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();

  // The UI page needs no token; the API does.
  const page = await fetch(`${server.base}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal((await fetch(`${server.base}/api/status`)).status, 401);
  const status = await fetch(`${server.base}/api/status`, { headers: { Authorization: `Bearer ${token}` } });
  assert.deepEqual(await status.json(), { initialized: true, locked: false, pending_requests: 0, credentials: 0 });

  // The login code opens one session, once.
  const login = () => fetch(`${server.base}/api/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: link[2] }),
  });
  const first = await login();
  assert.equal(first.status, 201);
  const { session } = await first.json();
  assert.equal((await login()).status, 401);
  const viaSession = await fetch(`${server.base}/api/credentials`, { headers: { Authorization: `Bearer ${session}` } });
  assert.equal(viaSession.status, 200);

  server.child.kill('SIGTERM');
  const result = await server.exited;
  assert.equal(result.code, 0, result.stderr);
});

test('serve refuses a non-loopback --host with exit 1 and never announces itself', async () => {
  const dir = tempDir();
  for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
    const r = await run(walletBin, ['serve', '--host', host, '--port', '0', '--data-dir', join(dir, 'wallet')],
      { cwd: dir, env: { VEIL_WALLET_PASSPHRASE: PASSPHRASE } });
    expectOneLineError(r, 'invalid_config');
    assert.doesNotMatch(r.out, /listening on/);
  }
});

test('a wrong passphrase fails with wrong_passphrase and a passphrase file must be private', async () => {
  const dir = tempDir();
  const wallet = walletIn(dir);
  const issuer = await startIssuer();
  try {
    const offer = await issuer.offer('age', { age_over_13: true, age_over_16: true, age_over_18: true, age_over_21: false, age_over_65: false });
    assert.equal((await wallet(['accept', offer.offer_uri, '--yes'])).code, 0);
    expectOneLineError(await wallet(['list'], { env: { VEIL_WALLET_PASSPHRASE: 'not the passphrase' } }), 'wrong_passphrase');
    const file = join(dir, 'passphrase');
    writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o644 });
    expectOneLineError(await wallet(['list', '--passphrase-file', file], { env: { VEIL_WALLET_PASSPHRASE: '' } }), 'io_error');
    writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o600 });
    const { chmodSync } = await import('node:fs');
    chmodSync(file, 0o600);
    const listed = await wallet(['list', '--passphrase-file', file], { env: { VEIL_WALLET_PASSPHRASE: '' } });
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /Age verification/);
  } finally {
    issuer.child.kill('SIGTERM');
    await issuer.exited;
  }
});

test('accept stores a verified batch from a real issuer; list shows it with copies, no claim values', async () => {
  const dir = tempDir();
  const wallet = walletIn(dir);
  const issuer = await startIssuer();
  try {
    const offer = await issuer.offer('person', person);
    // Without --yes the holder is asked; "n" stores nothing.
    const declined = await wallet(['accept', offer.offer_uri], { input: 'n\n' });
    assert.equal(declined.code, 0, declined.err);
    assert.match(declined.err, /offers:/);
    assert.match(declined.err, /Person identification/);
    assert.match(declined.err, /nothing was stored/);

    const again = await issuer.offer('person', person);
    const accepted = await wallet(['accept', again.offer_uri], { input: 'y\n' });
    assert.equal(accepted.code, 0, accepted.err);
    assert.match(accepted.out, /^stored Person identification from /);
    const listed = await wallet(['list', '--json']);
    assert.equal(listed.code, 0, listed.err);
    const { credentials } = JSON.parse(listed.out);
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].vct, 'urn:veil:credential:person');
    assert.ok(credentials[0].copies_total >= 1);
    assert.equal(credentials[0].copies_left, credentials[0].copies_total);
    assert.doesNotMatch(listed.out, /Erika/);
    const text = await wallet(['list']);
    assert.match(text.out, /Person identification/);

    // A transaction code offer: --tx-code, and a wrong one fails with exit 1.
    const coded = await issuer.offer('age', { age_over_13: true, age_over_16: true, age_over_18: true, age_over_21: false, age_over_65: false }, true);
    // The offer is described on stderr first; the failure is the one last line.
    const wrong = await wallet(['accept', coded.offer_uri, '--yes', '--tx-code', '00000']);
    assert.equal(wrong.code, 1, wrong.err);
    assert.match(wrong.err.trim().split('\n').at(-1), /^veil-wallet accept: issuance_failed: .*invalid_grant/);
    const ok = await wallet(['accept', coded.offer_uri, '--yes', '--tx-code', coded.tx_code, '--json']);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(JSON.parse(ok.out).credentials[0].vct, 'urn:veil:credential:age');
  } finally {
    issuer.child.kill('SIGTERM');
    await issuer.exited;
  }
});

test('respond asks per optional claim, shares exactly that, and history names claims but never values', async () => {
  const dir = tempDir();
  const wallet = walletIn(dir);
  const issuer = await startIssuer();
  const verifier = await startVerifier();
  try {
    const offer = await issuer.offer('person', person);
    assert.equal((await wallet(['accept', offer.offer_uri, '--yes'])).code, 0);

    // Interactive: untick the optional country, then confirm.
    const answered = await wallet(['respond', requestLink(verifier, 'n-1')], { input: 'n\ny\n' });
    assert.equal(answered.code, 0, answered.err);
    assert.match(answered.err, /required: Given name/);
    assert.match(answered.err, /optional: /);
    assert.match(answered.out, /^shared with /);
    assert.equal(verifier.posts.length, 1);
    const token = JSON.parse(verifier.posts[0].vp_token);
    assert.deepEqual(disclosedNames(token.person[0]), ['given_name']);

    // --yes shares only what is required.
    const scripted = await wallet(['respond', requestLink(verifier, 'n-2'), '--yes', '--json']);
    assert.equal(scripted.code, 0, scripted.err);
    assert.equal(JSON.parse(scripted.out).status, 'shared');
    assert.deepEqual(disclosedNames(JSON.parse(verifier.posts[1].vp_token).person[0]), ['given_name']);

    // Ticking the optional claim shares it too.
    const both = await wallet(['respond', requestLink(verifier, 'n-3')], { input: 'y\ny\n' });
    assert.equal(both.code, 0, both.err);
    const withCountry = disclosedNames(JSON.parse(verifier.posts[2].vp_token).person[0]);
    assert.ok(withCountry.includes('country') && withCountry.includes('given_name'), `disclosed ${withCountry}`);
    assert.ok(!withCountry.includes('family_name') && !withCountry.includes('birthdate'), `disclosed ${withCountry}`);

    // --decline (and "n" at the final question) tell the verifier access_denied.
    const declined = await wallet(['respond', requestLink(verifier, 'n-4'), '--decline']);
    assert.equal(declined.code, 0, declined.err);
    assert.equal(verifier.posts[3].error, 'access_denied');
    assert.equal(verifier.posts[3].vp_token, undefined);

    const history = await wallet(['history', '--json']);
    assert.equal(history.code, 0, history.err);
    const { entries, format } = JSON.parse(history.out);
    assert.equal(format, 'veil-wallet-history');
    assert.equal(entries.length, 4);
    assert.deepEqual(entries.map((e) => e.outcome), ['declined', 'accepted', 'accepted', 'accepted']);
    assert.deepEqual(entries[3].claims, [['given_name']]);
    assert.equal(entries[3].verifier, `redirect_uri:${verifier.responseUri}`);
    assert.doesNotMatch(history.out, /Erika|Mustermann/);
    const text = await wallet(['history']);
    assert.match(text.out, /given_name/);
    assert.match(text.out, /declined, nothing shared/);
  } finally {
    issuer.child.kill('SIGTERM');
    await issuer.exited;
    await verifier.close();
  }
});

test('end to end: the wallet API takes an offer from veil-issuer and answers veil-verifier with exactly the approved claims',
  { skip: verifierBin ? false : 'VEIL_VERIFIER_BIN not set' }, async () => {
    const issuer = await startIssuer();
    const dir = tempDir();
    const verifierDir = join(dir, 'verifier');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(verifierDir, { mode: 0o700 });
    writeFileSync(join(verifierDir, 'trust.json'), JSON.stringify({ issuers: [{ iss: issuer.base, resolve: 'metadata' }] }));
    writeFileSync(join(dir, 'verifier.json'), JSON.stringify({ allow_loopback_http: true }));
    const verifier = await start(verifierBin, ['--port', '0', '--data-dir', verifierDir, '--config', join(dir, 'verifier.json')], { cwd: dir });
    writeFileSync(join(dir, 'wallet.json'), JSON.stringify({ allow_loopback_http: true, kdf: 'minimum' }));
    const wallet = await start(walletBin, ['--port', '0', '--data-dir', join(dir, 'wallet'), '--config', join(dir, 'wallet.json')],
      { cwd: dir, env: { VEIL_WALLET_PASSPHRASE: PASSPHRASE } });
    try {
      const token = readFileSync(join(dir, 'wallet', 'api-token'), 'utf8').trim();
      const api = async (method, path, body, expected) => {
        const response = await fetch(`${wallet.base}${path}`, {
          method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = await response.json();
        assert.equal(response.status, expected, `${method} ${path}: ${JSON.stringify(json)}`);
        return json;
      };
      const offer = await issuer.offer('person', person);
      const inspected = await api('POST', '/api/offers', { offer: offer.offer_uri }, 201);
      const stored = await api('POST', `/api/offers/${inspected.id}/accept`, {}, 201);
      const credentialId = stored.credentials[0].id;

      const apiKey = JSON.parse(readFileSync(join(verifierDir, 'api-keys.json'), 'utf8')).relying_parties[0].api_key;
      const created = await fetch(`${verifier.base}/v1/presentation-requests`, {
        method: 'POST', headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ vct: ['urn:veil:credential:person'], claims: [['given_name'], ['family_name']],
          optional_claims: [['birthdate']] }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const transaction = await created.json();

      const pending = await api('POST', '/api/requests', { request: transaction.link }, 201);
      assert.equal(pending.verifier.client_id, transaction.client_id);
      const claims = pending.queries[0].options[0].claims;
      assert.deepEqual(claims.filter((c) => !c.required).map((c) => c.path), [['birthdate']]);
      // The holder unticks the optional birthdate.
      const selections = { [pending.queries[0].id]: credentialId };
      const shared = await api('POST', `/api/requests/${pending.id}/approve`,
        { selections, optional_claims: { [pending.queries[0].id]: [] } }, 200);
      assert.equal(shared.status, 'shared');

      const outcome = await (await fetch(`${verifier.base}/v1/presentation-requests/${transaction.id}`,
        { headers: { Authorization: `Bearer ${apiKey}` } })).json();
      assert.equal(outcome.status, 'verified', JSON.stringify(outcome));
      const received = JSON.stringify(outcome.credentials);
      assert.match(received, /Erika/);
      assert.match(received, /Mustermann/);
      assert.doesNotMatch(received, /1984-08-12/);
      assert.doesNotMatch(received, /Heidestra/);
      const history = await api('GET', '/api/history', undefined, 200);
      assert.deepEqual(history.entries[0].claims, [['given_name'], ['family_name']]);
      assert.doesNotMatch(JSON.stringify(history), /Erika/);
    } finally {
      for (const server of [wallet, verifier, issuer]) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
  });
