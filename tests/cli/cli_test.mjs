// CLI contract tests (DESIGN.md "Offline contract"): node cli_test.mjs ISSUER WALLET VERIFIER CASE
// Each CASE runs the built programs in a fresh temporary directory and fails with a message on the first
// broken expectation.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const [issuerBin, walletBin, verifierBin, caseName] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'veil-cli-'));
const file = (name) => join(dir, name);

function run(bin, args, input) {
  const r = spawnSync(bin, args, { input: input ?? '', encoding: 'utf8', cwd: dir });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const issuer = (...a) => run(issuerBin, a);
const wallet = (...a) => run(walletBin, a);
const verifier = (...a) => run(verifierBin, a);
function ok(r, what) {
  assert.equal(r.code, 0, `${what} exited ${r.code}: ${r.err}${r.out}`);
  return r.out.trim();
}

const person = {
  given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', email: 'erika@example.com',
  nationalities: ['DE', 'FR'],
  address: { street_address: 'Heidestrasse 17', locality: 'Koeln', postal_code: '51147', country: 'DE' },
  age_over_18: true, age_over_21: true, age_over_65: false,
};
const ISS = 'https://issuer.example';
const VCT = 'https://credentials.example/person';
const AUD = 'https://verifier.example';
const NONCE = 'n-0S6_WzA2Mj';

// Keys, a credential bound to the holder, and a presentation of three claims.
function setup(alg = 'ES256') {
  ok(issuer('keygen', '--alg', alg, '--kid', 'issuer-1', '--out', file('issuer.jwk')), 'issuer keygen');
  ok(wallet('keygen', '--alg', alg, '--out', file('holder.jwk')), 'wallet keygen');
  writeFileSync(file('issuer.pub.jwk'), ok(issuer('pubkey', '--key', file('issuer.jwk')), 'pubkey'));
  writeFileSync(file('claims.json'), JSON.stringify(person));
  const credential = ok(issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims',
    file('claims.json'), '--holder-jwk', file('holder.jwk'), '--exp', '3600'), 'issue');
  writeFileSync(file('credential.txt'), credential);
  const presentation = ok(wallet('present', '--credential', file('credential.txt'), '--holder-key',
    file('holder.jwk'), '--disclose', 'given_name,age_over_18', '--disclose', 'address.country', '--aud', AUD,
    '--nonce', NONCE), 'present');
  writeFileSync(file('presentation.txt'), presentation);
  return { credential, presentation };
}

function verifyArgs(extra = []) {
  return ['verify', '--presentation', file('presentation.txt'), '--issuer-jwk', file('issuer.pub.jwk'), '--aud',
    AUD, '--nonce', NONCE, ...extra];
}

function expectRejected(r, code) {
  assert.equal(r.code, 1, `expected exit 1, got ${r.code}: ${r.err}${r.out}`);
  const result = JSON.parse(r.out);
  assert.deepEqual(Object.keys(result), ['valid', 'error']);
  assert.equal(result.valid, false);
  assert.deepEqual(Object.keys(result.error), ['code', 'message']);
  assert.equal(result.error.code, code, `expected ${code}, got ${JSON.stringify(result.error)}`);
  assert.equal(typeof result.error.message, 'string');
}

function expectUsage(r, pattern) {
  assert.equal(r.code, 2, `expected usage exit 2, got ${r.code}: ${r.err}${r.out}`);
  assert.equal(r.out, '', 'a usage error prints nothing on stdout');
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.err}`);
  if (pattern) assert.match(lines[0], pattern);
}

function roundTrip(alg) {
  setup(alg);
  const r = verifier(...verifyArgs());
  const result = JSON.parse(ok(r, 'verify'));
  assert.equal(result.valid, true);
  assert.equal(result.iss, ISS);
  assert.equal(result.vct, VCT);
  assert.deepEqual(result.claims.address, { country: 'DE' });
  assert.equal(result.claims.given_name, 'Erika');
  assert.equal(result.claims.age_over_18, true);
  for (const hidden of ['family_name', 'birthdate', 'email', 'nationalities', 'age_over_21', 'age_over_65']) {
    assert.ok(!(hidden in result.claims), `${hidden} must stay hidden`);
  }
  const disclosed = result.disclosed.map((p) => p.join('.')).sort();
  assert.deepEqual(disclosed, ['address', 'address.country', 'age_over_18', 'given_name'], 'the address container is disclosed to reach its country');
  assert.deepEqual(result.key_binding.aud, AUD);
  assert.deepEqual(result.key_binding.nonce, NONCE);
}

const cases = {
  'keygen writes a 0600 file and refuses to overwrite it'() {
    for (const [bin, alg] of [[issuer, 'ES256'], [issuer, 'EdDSA'], [wallet, 'ES256'], [wallet, 'EdDSA']]) {
      const path = file(`key-${alg}-${bin === issuer ? 'i' : 'w'}.jwk`);
      assert.equal(ok(bin('keygen', '--alg', alg, '--out', path), 'keygen'), '', 'nothing on stdout with --out');
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const key = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(key.kty, alg === 'ES256' ? 'EC' : 'OKP');
      assert.equal(typeof key.d, 'string');
      const before = readFileSync(path, 'utf8');
      const again = bin('keygen', '--alg', alg, '--out', path);
      assert.equal(again.code, 1, 'overwriting an existing key fails');
      assert.match(again.err, /io_error/);
      assert.equal(readFileSync(path, 'utf8'), before, 'the existing key is unchanged');
    }
    const printed = JSON.parse(ok(issuer('keygen', '--alg', 'ES256', '--kid', 'k1'), 'keygen to stdout'));
    assert.equal(printed.kid, 'k1');
    assert.equal(printed.crv, 'P-256');
    expectUsage(issuer('keygen', '--alg', 'RS256'), /ES256 or EdDSA/);
    expectUsage(wallet('keygen', '--alg', 'ES256', '--kid', 'x'), /unknown flag --kid/);
  },

  'pubkey prints the public JWK without d and refuses an exposed key file'() {
    ok(issuer('keygen', '--alg', 'ES256', '--kid', 'issuer-1', '--out', file('k.jwk')), 'keygen');
    const pub = JSON.parse(ok(issuer('pubkey', '--key', file('k.jwk')), 'pubkey'));
    const priv = JSON.parse(readFileSync(file('k.jwk'), 'utf8'));
    assert.ok(!('d' in pub));
    assert.equal(pub.x, priv.x);
    assert.equal(pub.y, priv.y);
    assert.equal(pub.kid, 'issuer-1');
    chmodSync(file('k.jwk'), 0o644);
    const exposed = issuer('pubkey', '--key', file('k.jwk'));
    assert.equal(exposed.code, 1, 'a private key readable by others is refused');
    assert.match(exposed.err, /chmod 600/);
    const missing = issuer('pubkey', '--key', file('nope.jwk'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /io_error/);
  },

  'issue, present and verify round trip with ES256'() { roundTrip('ES256'); },
  'issue, present and verify round trip with EdDSA'() { roundTrip('EdDSA'); },

  'verify prints the documented JSON shape'() {
    setup();
    const r = verifier(...verifyArgs());
    assert.equal(r.out.trim().split('\n').length, 1, 'one line of output');
    const result = JSON.parse(r.out);
    assert.deepEqual(Object.keys(result), ['valid', 'iss', 'vct', 'claims', 'disclosed', 'key_binding', 'status']);
    assert.equal(result.valid, true);
    assert.equal(typeof result.iss, 'string');
    assert.equal(typeof result.vct, 'string');
    assert.equal(typeof result.claims, 'object');
    assert.ok(!('_sd' in result.claims) && !('_sd_alg' in result.claims));
    assert.ok(Array.isArray(result.disclosed) && result.disclosed.every(Array.isArray));
    assert.deepEqual(Object.keys(result.key_binding), ['aud', 'nonce', 'iat']);
    assert.equal(typeof result.key_binding.iat, 'number');
    assert.equal(result.status, 'unchecked');
    assert.equal(result.claims.iss, ISS);
    assert.equal(typeof result.claims.cnf, 'object');
  },

  'verify rejects with exit 1 and the specific error code'() {
    const { presentation } = setup();
    expectRejected(verifier(...verifyArgs().slice(0, -4), '--aud', AUD, '--nonce', 'other'), 'nonce_mismatch');
    expectRejected(verifier(...verifyArgs().slice(0, -4), '--aud', 'https://evil.example', '--nonce', NONCE),
      'aud_mismatch');
    // Flip one character inside the issuer signature.
    const [jwt, ...rest] = presentation.split('~');
    const parts = jwt.split('.');
    const sig = parts[2];
    const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    writeFileSync(file('presentation.txt'), [parts[0], parts[1], flipped].join('.') + '~' + rest.join('~'));
    expectRejected(verifier(...verifyArgs()), 'invalid_signature');
    // Drop the KB-JWT's sd_hash binding by removing one disclosure.
    const pieces = presentation.split('~');
    pieces.splice(1, 1);
    writeFileSync(file('presentation.txt'), pieces.join('~'));
    expectRejected(verifier(...verifyArgs()), 'sd_hash_mismatch');
    // --no-kb has no aud and nonce to check a KB-JWT against, so a presentation carrying one is refused.
    writeFileSync(file('presentation.txt'), presentation);
    expectRejected(verifier('verify', '--presentation', file('presentation.txt'), '--issuer-jwk',
      file('issuer.pub.jwk'), '--no-kb'), 'invalid_argument');
    // A KB-JWT is required unless --no-kb.
    writeFileSync(file('presentation.txt'), presentation.slice(0, presentation.lastIndexOf('~') + 1));
    expectRejected(verifier(...verifyArgs()), 'missing_key_binding');
    // Another issuer's key.
    ok(issuer('keygen', '--alg', 'ES256', '--out', file('other.jwk')), 'keygen');
    writeFileSync(file('other.pub.jwk'), ok(issuer('pubkey', '--key', file('other.jwk')), 'pubkey'));
    writeFileSync(file('presentation.txt'), presentation);
    const wrongKey = verifier('verify', '--presentation', file('presentation.txt'), '--issuer-jwk',
      file('other.pub.jwk'), '--aud', AUD, '--nonce', NONCE);
    assert.equal(wrongKey.code, 1);
    assert.ok(['invalid_signature', 'unknown_key'].includes(JSON.parse(wrongKey.out).error.code));
    // Garbage.
    writeFileSync(file('presentation.txt'), 'not an sd-jwt');
    assert.equal(verifier(...verifyArgs()).code, 1);
  },

  'usage errors exit 2 with one line on stderr'() {
    setup();
    expectUsage(verifier(...verifyArgs(['--frobnicate', 'x'])), /unknown flag --frobnicate/);
    expectUsage(verifier('verify', '--presentation', file('presentation.txt'), '--aud', AUD, '--nonce', NONCE),
      /--issuer-jwk or --trust/);
    expectUsage(verifier('verify', '--presentation', file('presentation.txt'), '--issuer-jwk',
      file('issuer.pub.jwk'), '--aud', AUD), /--aud and --nonce/);
    expectUsage(verifier('verify', '--presentation', file('presentation.txt'), '--issuer-jwk',
      file('issuer.pub.jwk')), /--no-kb/);
    expectUsage(verifier('verify', '--presentation', file('presentation.txt'), '--issuer-jwk',
      file('issuer.pub.jwk'), '--no-kb', '--aud', AUD, '--nonce', NONCE), /--no-kb/);
    expectUsage(verifier(...verifyArgs(['--skew', 'ten'])), /--skew/);
    expectUsage(verifier(...verifyArgs(['--threads', '2'])), /--batch/);
    expectUsage(verifier('verify', '--presentation'), /needs a value/);
    expectUsage(verifier(...verifyArgs(['--no-kb=yes'])), /takes no value/);
    expectUsage(verifier(...verifyArgs(['extra'])), /unexpected argument/);
    expectUsage(issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--claims', file('claims.json')),
      /missing required flag --vct/);
    expectUsage(issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims',
      file('claims.json'), '--status-uri', 'https://s.example/1'), /--status-idx/);
    expectUsage(issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--vct', VCT,
      '--claims', file('claims.json')), /more than once/);
    expectUsage(wallet('present', '--credential', file('credential.txt'), '--holder-key', file('holder.jwk'),
      '--aud', AUD, '--nonce', NONCE), /--disclose/);
    expectUsage(wallet('present', '--credential', file('credential.txt'), '--holder-key', file('holder.jwk'),
      '--disclose', 'a..b', '--aud', AUD, '--nonce', NONCE));
    expectUsage(issuer(), /missing command/);
    expectUsage(issuer('frobnicate'), /unknown command/);
    expectUsage(wallet('--alg', 'ES256'), /unknown command/);
    const json = verifier(...verifyArgs(['--bogus', '--json']));
    assert.equal(json.code, 2);
    assert.equal(JSON.parse(json.err).error.code, 'usage');
  },

  'every level has --help'() {
    for (const [bin, commands] of [[issuer, ['keygen', 'pubkey', 'issue']], [wallet, ['keygen', 'present']],
      [verifier, ['verify']]]) {
      const top = ok(bin('--help'), 'top-level --help');
      for (const command of commands) {
        assert.match(top, new RegExp(command));
        const help = ok(bin(command, '--help'), `${command} --help`);
        assert.match(help, /^usage: /);
        assert.match(help, /--help/);
      }
    }
  },

  'failures of other commands are one line, or JSON with --json'() {
    setup();
    const r = wallet('present', '--credential', file('credential.txt'), '--holder-key', file('holder.jwk'),
      '--disclose', 'no_such_claim', '--aud', AUD, '--nonce', NONCE);
    assert.equal(r.code, 1);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /unknown_claim_path/);
    const j = wallet('present', '--json', '--credential', file('credential.txt'), '--holder-key',
      file('holder.jwk'), '--disclose', 'no_such_claim', '--aud', AUD, '--nonce', NONCE);
    assert.equal(j.code, 1);
    assert.equal(JSON.parse(j.err).error.code, 'unknown_claim_path');
    const forbidden = issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims', '-');
    assert.equal(forbidden.code, 1, 'empty stdin is not a claims object');
  },

  'batch verification on two threads keeps order and reports a bad line'() {
    const { presentation } = setup();
    const lines = [
      JSON.stringify({ presentation, aud: AUD, nonce: NONCE }),
      '{"presentation": broken json',
      JSON.stringify({ presentation, aud: AUD, nonce: 'wrong' }),
      JSON.stringify({ presentation, aud: AUD, nonce: NONCE }),
      JSON.stringify({ aud: AUD, nonce: NONCE }),
      '[1, 2]',
      JSON.stringify({ presentation: 'garbage~', aud: AUD, nonce: NONCE }),
      JSON.stringify({ presentation, aud: AUD, nonce: NONCE }),
    ];
    writeFileSync(file('batch.jsonl'), lines.join('\n') + '\n');
    const r = verifier('verify', '--batch', file('batch.jsonl'), '--issuer-jwk', file('issuer.pub.jwk'),
      '--threads', '2');
    assert.equal(r.code, 1, 'some lines are invalid');
    const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(out.length, lines.length);
    assert.deepEqual(out.map((o) => o.valid), [true, false, false, true, false, false, false, true]);
    assert.equal(out[1].error.code, 'invalid_json');
    assert.equal(out[2].error.code, 'nonce_mismatch');
    assert.equal(out[4].error.code, 'invalid_argument');
    assert.equal(out[5].error.code, 'invalid_argument');
    assert.deepEqual(Object.keys(out[0]), ['valid', 'iss', 'vct', 'claims', 'disclosed', 'key_binding', 'status']);
    // All valid, with aud and nonce from the flags: exit 0.
    writeFileSync(file('good.jsonl'), [0, 1, 2].map(() => JSON.stringify({ presentation })).join('\n'));
    const good = verifier('verify', '--batch', file('good.jsonl'), '--issuer-jwk', file('issuer.pub.jwk'),
      '--aud', AUD, '--nonce', NONCE, '--threads', '2');
    assert.equal(good.code, 0, good.out + good.err);
    assert.equal(good.out.trim().split('\n').length, 3);
  },
};

Object.assign(cases, {
'type metadata and explicit frames decide what is disclosable'() {
  setup();
  writeFileSync(file('type.json'), JSON.stringify({
    vct: VCT,
    claims: [
      { path: ['given_name'], sd: 'always' },
      { path: ['family_name'], sd: 'never' },
      { path: ['address'] },
      { path: ['address', 'country'], sd: 'allowed' },
      { path: ['nationalities', null], sd: 'always' },
    ],
  }));
  const credential = ok(issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims',
    file('claims.json'), '--type', file('type.json')), 'issue --type');
  // Verified with no disclosures at all: what remains is exactly what the type keeps plain.
  const bare = credential.split('~')[0] + '~';
  const result = JSON.parse(ok(run(verifierBin, ['verify', '--presentation', '-', '--issuer-jwk',
    file('issuer.pub.jwk'), '--no-kb'], bare), 'verify bare credential'));
  assert.equal(result.claims.family_name, 'Mustermann', 'sd never stays plain');
  assert.equal(result.claims.birthdate, '1964-08-12', 'claims the type does not list stay plain');
  assert.ok(!('given_name' in result.claims), 'sd always is disclosable');
  assert.ok(!('address' in result.claims), 'address is disclosable');
  assert.deepEqual(result.claims.nationalities, [], 'each element is disclosable');
  // All disclosures: everything comes back.
  const full = JSON.parse(ok(run(verifierBin, ['verify', '--presentation', '-', '--issuer-jwk',
    file('issuer.pub.jwk'), '--no-kb'], credential), 'verify full credential'));
  for (const [k, v] of Object.entries(person)) assert.deepEqual(full.claims[k], v);
  assert.equal(full.key_binding, null);

  writeFileSync(file('frame.json'), JSON.stringify({ _sd: ['email'], address: { _sd: ['postal_code'] } }));
  const framed = ok(run(issuerBin, ['issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims', '-',
    '--frame', file('frame.json')], JSON.stringify(person)), 'issue --frame with claims on stdin');
  const framedBare = JSON.parse(ok(run(verifierBin, ['verify', '--presentation', '-', '--issuer-jwk',
    file('issuer.pub.jwk'), '--no-kb'], framed.split('~')[0] + '~'), 'verify framed'));
  assert.ok(!('email' in framedBare.claims));
  assert.equal(framedBare.claims.given_name, 'Erika');
  assert.deepEqual(framedBare.claims.address, { street_address: 'Heidestrasse 17', locality: 'Koeln', country: 'DE' });
  assert.equal(framed.split('~').length - 2, 2, 'two disclosures');

  const badType = issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims',
    file('claims.json'), '--type', file('frame.json'), '--frame', file('frame.json'));
  assert.equal(badType.code, 2, '--type and --frame exclude each other');
  writeFileSync(file('bad-type.json'), JSON.stringify({ claims: [{ path: ['email'], sd: 'sometimes' }] }));
  const bad = issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims',
    file('claims.json'), '--type', file('bad-type.json'));
  assert.equal(bad.code, 1);
  assert.match(bad.err, /invalid_disclosure_frame/);
},

  'stdin works for credential and presentation'() {
    const { credential } = setup();
    const presentation = ok(run(walletBin, ['present', '--credential', '-', '--holder-key', file('holder.jwk'),
      '--disclose-json', '["address","country"]', '--disclose-json', '["nationalities", 1]', '--aud', AUD,
      '--nonce', NONCE], credential + '\n'), 'present from stdin');
    const result = JSON.parse(ok(run(verifierBin, ['verify', '--presentation', '-', '--issuer-jwk',
      file('issuer.pub.jwk'), '--aud', AUD, '--nonce', NONCE], presentation + '\n'), 'verify from stdin'));
    assert.deepEqual(result.claims.address, { country: 'DE' });
    assert.deepEqual(result.claims.nationalities, ['FR']);
  },

  'issuer options: decoys, exp, iat, status and trust file'() {
    setup();
    const credential = ok(issuer('issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims',
      file('claims.json'), '--holder-jwk', file('holder.jwk'), '--decoys', '3', '--iat', '1700000000', '--exp',
      '600', '--status-uri', 'https://issuer.example/status/1', '--status-idx', '42'), 'issue');
    const payload = JSON.parse(Buffer.from(credential.split('.')[1], 'base64url').toString());
    assert.equal(payload.iat, 1700000000);
    assert.equal(payload.exp, 1700000600);
    assert.deepEqual(payload.status, { status_list: { idx: 42, uri: 'https://issuer.example/status/1' } });
    assert.equal(payload._sd.length, 9 + 3, 'nine disclosable top-level claims plus three decoys');
    writeFileSync(file('credential.txt'), credential);
    writeFileSync(file('presentation.txt'), ok(wallet('present', '--credential', file('credential.txt'),
      '--holder-key', file('holder.jwk'), '--disclose', 'email', '--aud', AUD, '--nonce', NONCE, '--iat',
      '1700000100'), 'present'));
    const pub = JSON.parse(readFileSync(file('issuer.pub.jwk'), 'utf8'));
    writeFileSync(file('trust.json'), JSON.stringify({ issuers: [{ iss: ISS, jwks: { keys: [pub] } }] }));
    const trustArgs = ['verify', '--presentation', file('presentation.txt'), '--trust', file('trust.json'),
      '--aud', AUD, '--nonce', NONCE];
    const result = JSON.parse(ok(verifier(...trustArgs, '--now', '1700000120'), 'verify with trust file'));
    assert.equal(result.claims.email, 'erika@example.com');
    expectRejected(verifier(...trustArgs, '--now', '1700000700'), 'token_expired');
    expectRejected(verifier(...trustArgs, '--now', '1700000500', '--kb-max-age', '60'), 'kb_iat_too_old');
    writeFileSync(file('trust.json'), JSON.stringify({ issuers: [{ iss: 'https://other.example',
      jwks: { keys: [pub] } }] }));
    expectRejected(verifier(...trustArgs, '--now', '1700000120'), 'untrusted_issuer');
  },
});

const test = cases[caseName];
if (!test) {
  console.error(`unknown case "${caseName}"; cases:\n${Object.keys(cases).join('\n')}`);
  process.exit(2);
}
try {
  test();
  console.log(`ok - ${caseName}`);
} catch (e) {
  console.error(`not ok - ${caseName}\n${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  if (!process.env.VEIL_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
