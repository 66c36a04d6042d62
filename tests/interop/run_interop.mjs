// Interoperability with @sd-jwt/sd-jwt-vc 0.20.0, both directions, through Veil's command-line programs.
//   node run_interop.mjs ISSUER WALLET VERIFIER [a|b|strict|all]
// Direction a: the library issues (and presents, except recursive cases) → `veil-verifier verify` accepts with
// the same claims. Direction b: `veil-issuer issue` + `veil-wallet present` → the library's verifier accepts with
// the same claims (it skips aud, iat and typ checks, so this script checks them itself). Direction strict:
// inputs RFC 9901 §7.1 forbids and the library accepts are rejected by Veil with the specific error code.
// Prints one line per case and "N passed, N failed"; exits 1 when any case fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { cases, algs, veilFrame, userClaims } from './cases.mjs';
import { makeInstance, generateKeyPair, decodePart } from './sd_jwt_js.mjs';
import { strictnessCases } from './strictness_cases.mjs';

const [issuerBin, walletBin, verifierBin, direction = 'all'] = process.argv.slice(2);
if (!verifierBin || !['a', 'b', 'strict', 'all'].includes(direction)) {
  console.error('usage: node run_interop.mjs ISSUER WALLET VERIFIER [a|b|strict|all]');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'veil-interop-'));
const file = (name) => join(dir, name);
const ISS = 'https://issuer.example';
const VCT = 'https://credentials.example/person';
const AUD = 'https://verifier.example';
const NONCE = 'interop-nonce-7Q3';

function run(bin, args, input) {
  const r = spawnSync(bin, args, { input: input ?? '', encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${bin} ${args[0]} exited ${r.status}: ${r.stderr.trim()} ${r.stdout.trim()}`);
  return r.stdout.trim();
}

function veilVerify(presentation, issuerPublicJwkPath) {
  writeFileSync(file('presentation.txt'), presentation);
  const result = JSON.parse(run(verifierBin, ['verify', '--presentation', file('presentation.txt'), '--issuer-jwk',
    issuerPublicJwkPath, '--aud', AUD, '--nonce', NONCE]));
  assert.equal(result.valid, true);
  return result;
}

function veilPresent(credential, holderKeyPath, paths) {
  writeFileSync(file('credential.txt'), credential);
  return run(walletBin, ['present', '--credential', file('credential.txt'), '--holder-key', holderKeyPath,
    '--disclose', paths.join(','), '--aud', AUD, '--nonce', NONCE]);
}

// Direction a: they issue (and present); Veil verifies.
async function libraryToVeil(c, alg) {
  const issuerKeys = await generateKeyPair(alg);
  const holderKeys = await generateKeyPair(alg);
  const lib = await makeInstance({ issuerAlg: alg, issuerPrivate: issuerKeys.privateKey, issuerPublic: issuerKeys.publicKey,
    holderAlg: alg, holderPrivate: holderKeys.privateKey });
  const now = Math.floor(Date.now() / 1000);
  const credential = await lib.issue({ iss: ISS, vct: VCT, iat: now, exp: now + 3600, cnf: { jwk: holderKeys.publicKey },
    ...structuredClone(c.claims) }, structuredClone(c.frame));
  writeFileSync(file('issuer.pub.jwk'), JSON.stringify(issuerKeys.publicKey));
  let presentation;
  if (c.veilPresentsOnly) {
    writeFileSync(file('holder.jwk'), JSON.stringify(holderKeys.privateKey), { mode: 0o600 });
    presentation = veilPresent(credential, file('holder.jwk'), c.present.paths);
  } else {
    presentation = await lib.present(credential, structuredClone(c.present.frame),
      { kb: { payload: { aud: AUD, nonce: NONCE, iat: now } } });
  }
  const veil = veilVerify(presentation, file('issuer.pub.jwk'));
  const theirs = await lib.verify(presentation, { keyBindingNonce: NONCE });
  assert.deepEqual(userClaims(veil.claims), c.expect, 'Veil sees the disclosed claims');
  assert.deepEqual(userClaims(theirs.payload), c.expect, 'the library sees the same claims');
  assert.equal(veil.iss, ISS);
  assert.equal(veil.vct, VCT);
  assert.equal(veil.key_binding.nonce, NONCE);
}

// Direction b: Veil issues and presents; they verify.
async function veilToLibrary(c, alg) {
  run(issuerBin, ['keygen', '--alg', alg, '--out', file('issuer.jwk')]);
  run(walletBin, ['keygen', '--alg', alg, '--out', file('holder.jwk')]);
  const issuerPublic = JSON.parse(run(issuerBin, ['pubkey', '--key', file('issuer.jwk')]));
  writeFileSync(file('issuer.pub.jwk'), JSON.stringify(issuerPublic));
  writeFileSync(file('claims.json'), JSON.stringify(c.claims));
  writeFileSync(file('frame.json'), JSON.stringify(veilFrame(c.frame)));
  const credential = run(issuerBin, ['issue', '--key', file('issuer.jwk'), '--iss', ISS, '--vct', VCT, '--claims',
    file('claims.json'), '--frame', file('frame.json'), '--holder-jwk', file('holder.jwk'), '--exp', '3600',
    '--decoys', String(c.decoys ?? 0)]);
  const presentation = veilPresent(credential, file('holder.jwk'), c.present.paths);
  const lib = await makeInstance({ issuerPublic });
  const theirs = await lib.verify(presentation, { keyBindingNonce: NONCE });
  assert.deepEqual(userClaims(theirs.payload), c.expect, 'the library sees the disclosed claims');
  // What 0.20.0 does not check (INTEROP.md): typ, KB-JWT aud and iat.
  const jwt = presentation.split('~')[0];
  assert.equal(decodePart(jwt, 0).typ, 'dc+sd-jwt');
  assert.ok(theirs.kb, 'the library checked a KB-JWT');
  assert.equal(theirs.kb.header.typ, 'kb+jwt');
  assert.equal(theirs.kb.payload.aud, AUD);
  assert.ok(Math.abs(theirs.kb.payload.iat - Date.now() / 1000) < 300, 'KB-JWT iat is fresh');
  if (c.decoys) {
    const payload = decodePart(jwt, 1);
    assert.equal(payload._sd.length, c.frame._sd.length + c.decoys, 'decoy digests are present');
  }
  const veil = veilVerify(presentation, file('issuer.pub.jwk'));
  assert.deepEqual(userClaims(veil.claims), c.expect);
}

let passed = 0;
let failed = 0;
const directions = direction === 'all' ? ['a', 'b', 'strict'] : [direction];

// Direction strict: Veil must reject, whatever the library says (its verdict is printed for the record).
async function strictness() {
  const { publicKey, cases: bad } = await strictnessCases({ iss: ISS, vct: VCT });
  writeFileSync(file('strict-issuer.pub.jwk'), JSON.stringify(publicKey));
  const lib = await makeInstance({ issuerPublic: publicKey });
  for (const c of bad) {
    const label = `veil rejects ${c.name}`;
    writeFileSync(file('bad.txt'), c.sdJwt);
    const r = spawnSync(verifierBin, ['verify', '--presentation', file('bad.txt'), '--issuer-jwk',
      file('strict-issuer.pub.jwk'), '--no-kb'], { encoding: 'utf8' });
    let theirs = 'accepts';
    try { await lib.verify(c.sdJwt); } catch { theirs = 'rejects'; }
    try {
      assert.equal(r.status, 1, `exit ${r.status}: ${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).error.code, c.code);
      console.log(`ok   ${label} (${c.code}; sd-jwt-js ${theirs} it)`);
      passed++;
    } catch (e) {
      console.log(`FAIL ${label}: expected ${c.code}, got ${r.stdout.trim() || e.message}`);
      failed++;
    }
  }
}

for (const d of directions) {
  if (d === 'strict') {
    await strictness();
    continue;
  }
  for (const c of cases) {
    if (c.directionAOnly && d !== 'a') continue;
    for (const alg of algs) {
      const label = `${d === 'a' ? 'sd-jwt-js → veil' : 'veil → sd-jwt-js'} ${c.name} ${alg}`;
      try {
        await (d === 'a' ? libraryToVeil(c, alg) : veilToLibrary(c, alg));
        console.log(`ok   ${label}`);
        passed++;
      } catch (e) {
        console.log(`FAIL ${label}: ${e.message.split('\n')[0]}`);
        failed++;
      }
      for (const name of ['issuer.jwk', 'holder.jwk']) rmSync(file(name), { force: true });
    }
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
