// End-to-end tests across Veil's three real processes (issue 6): veil-issuer, veil-wallet and veil-verifier `serve`
// each run as a separate process on a free loopback port, in a fresh temporary directory that is removed
// afterwards, and the whole flow is driven over HTTP only — the issuer's admin API, the wallet's JSON API (what the
// web UI calls) and the verifier's relying-party API (what an AI service calls).
//
//   VEIL_ISSUER_BIN=build/veil-issuer VEIL_WALLET_BIN=build/veil-wallet VEIL_VERIFIER_BIN=build/veil-verifier \
//     node --test tests/e2e/e2e_test.mjs
//
// VEIL_E2E_CASE="<test name>" runs one case (ctest registers each case so); VEIL_KEEP_TMP=1 keeps the directories.
// The services are started with scripts/demo/veil_services.mjs and called with scripts/demo/veil_clients.mjs;
// e2e_support.mjs adds what those do not offer (a recording proxy, presentation decoding, temp dirs).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { startIssuer, startVerifier, startWallet } from '../../scripts/demo/veil_services.mjs';
import { IssuerAdmin, RelyingParty, WalletApi } from '../../scripts/demo/veil_clients.mjs';
import {
  decodePresentation, sdDigests, sleepUntilUnixTime, startRecordingProxy, tempDir,
} from './e2e_support.mjs';

assert.ok(process.env.VEIL_ISSUER_BIN && process.env.VEIL_WALLET_BIN && process.env.VEIL_VERIFIER_BIN,
  'set VEIL_ISSUER_BIN, VEIL_WALLET_BIN and VEIL_VERIFIER_BIN');
// Absolute paths: each service runs in its own data directory.
const bins = {
  issuer: resolve(process.env.VEIL_ISSUER_BIN),
  wallet: resolve(process.env.VEIL_WALLET_BIN),
  verifier: resolve(process.env.VEIL_VERIFIER_BIN),
};

const PASSPHRASE = 'correct horse battery staple';
const PERSON_VCT = 'urn:veil:credential:person';
const person = JSON.parse(readFileSync(new URL('../../schemas/person/example_claims.json', import.meta.url), 'utf8'));

// --- Fixture: three services in one temporary directory ------------------------------------------------------------

// A Veil is one test's world: the issuer, the wallet and any number of verifiers, each a separate process, with
// clients for their APIs. Everything started through it is stopped, and its directory removed, by close().
class Veil {
  constructor(dir) {
    this.dir = dir;
    this.services = [];
    this.proxies = [];
    this.verifierCount = 0;
  }

  async startIssuer(config) {
    this.issuer = await startIssuer({ bin: bins.issuer, dataDir: join(this.dir.path, 'issuer'), config });
    this.services.push(this.issuer);
    this.admin = new IssuerAdmin(this.issuer.url, this.issuer.adminKey);
    return this.issuer;
  }

  // startWallet starts the wallet with PASSPHRASE (created at the first start, unlocked at every start), or with
  // none when |locked| (the wallet starts locked, and uninitialised the first time). The KDF is the minimum one
  // so that the tests spend no time in Argon2id.
  async startWallet({ locked = false } = {}) {
    this.wallet = await startWallet({
      bin: bins.wallet, dataDir: join(this.dir.path, 'wallet'), passphrase: locked ? undefined : PASSPHRASE,
      config: { allow_loopback_http: true, kdf: 'minimum' },
    });
    this.services.push(this.wallet);
    this.walletApi = new WalletApi(this.wallet.url, this.wallet.apiToken);
    return this.wallet;
  }

  // startVerifier starts one more veil-verifier process (its own data dir, request-signing certificate and so its
  // own client_id) trusting the issuer over loopback http. With proxy, a recording proxy stands in front of it:
  // --public-url names the proxy, so request_uri and response_uri go through it and its directPosts() show the
  // raw vp_token the wallet sent and the verifier's answer. Returns { service, rp, proxy }.
  async startVerifier({ config = {}, proxy = false } = {}) {
    this.verifierCount += 1;
    const recorder = proxy ? await startRecordingProxy() : null;
    if (recorder) this.proxies.push(recorder);
    const service = await startVerifier({
      bin: bins.verifier, dataDir: join(this.dir.path, `verifier-${this.verifierCount}`),
      config: { allow_loopback_http: true, ...config },
      trust: { issuers: [{ iss: this.issuer.url, resolve: 'metadata' }] },
      extraArgs: recorder ? ['--public-url', recorder.url] : [],
    });
    this.services.push(service);
    if (recorder) recorder.setTarget(service.url);
    return { service, rp: new RelyingParty(service.url, service.apiKey), proxy: recorder };
  }

  async close() {
    // A service that ignores SIGTERM for 5 s is killed: cleanup must not hang the suite.
    await Promise.all(this.services.map(async (service) => {
      const killer = setTimeout(() => service.process?.kill('SIGKILL'), 5000);
      try { await service.stop(); } finally { clearTimeout(killer); }
    }));
    await Promise.all(this.proxies.map((p) => p.close()));
    this.dir.remove();
  }
}

// withVeil runs |body| with an issuer, a wallet (started with PASSPHRASE, or locked when walletLocked) and one
// verifier, and stops and removes everything afterwards, also when |body| fails.
async function withVeil(body, { verifierConfig, verifierProxy = false, walletLocked = false } = {}) {
  const veil = new Veil(tempDir());
  try {
    await veil.startIssuer();
    const first = await veil.startVerifier({ config: verifierConfig, proxy: verifierProxy });
    veil.verifier = first.service;
    veil.rp = first.rp;
    veil.proxy = first.proxy;
    await veil.startWallet({ locked: walletLocked });
    await body(veil);
  } finally {
    await veil.close();
  }
}

// Cases are registered by name; VEIL_E2E_CASE selects one (a name that matches none fails the run).
const selected = process.env.VEIL_E2E_CASE;
const registered = [];
function e2eTest(name, options, body) {
  registered.push(name);
  if (selected && selected !== name) return;
  test(name, { timeout: 60000, ...options }, body);
}

// --- Shared steps --------------------------------------------------------------------------------------------------

// issuePerson has the issuer offer the example person credential and the wallet accept it; returns the wallet's
// credential summary.
async function issuePerson(veil) {
  const offer = await veil.admin.createOffer({ type: 'person', claims: person });
  const accepted = await veil.walletApi.acceptOffer(offer.offer_uri);
  assert.equal(accepted.credentials.length, 1);
  const [credential] = accepted.credentials;
  assert.equal(credential.vct, PERSON_VCT);
  assert.equal(credential.issuer, veil.issuer.url);
  assert.ok(credential.copies_total >= 2, `a batch of copies, got ${credential.copies_total}`);
  assert.equal(credential.copies_left, credential.copies_total);
  return credential;
}

// The AI service's question of the demo: is the person over 18, and where do they live; the given name is optional.
const adultResidencePolicy = {
  vct: [PERSON_VCT],
  claims: [['age_over_18'], ['address', 'country']],
  optional_claims: [['given_name']],
};

// present runs one presentation: the relying party asks, the wallet receives the link, the holder approves with
// the optional claims |optional| ticked. Returns { created, pending, shared } (shared: the wallet's answer).
async function present(veil, rp, policy = adultResidencePolicy, optional = []) {
  const created = await rp.requestAttributes(policy);
  const pending = await veil.walletApi.submitRequest(created.link);
  assert.equal(pending.verifier.client_id, created.client_id);
  const shared = await veil.walletApi.approve(pending.id, { claims: optional });
  return { created, pending, shared };
}

// assertExactlyAdultResidence checks a verified result: exactly the two requested claims, with the issuer's values.
function assertExactlyAdultResidence(result, veil) {
  assert.equal(result.status, 'verified', JSON.stringify(result));
  assert.deepEqual(Object.keys(result).sort(), ['completed_at', 'credentials', 'id', 'status']);
  assert.deepEqual(Object.keys(result.credentials), ['credential']);
  const credential = result.credentials.credential;
  assert.deepEqual(Object.keys(credential).sort(), ['claims', 'iss', 'status', 'vct']);
  assert.equal(credential.iss, veil.issuer.url);
  assert.equal(credential.vct, PERSON_VCT);
  assert.equal(credential.status, 'valid');
  assert.deepEqual(credential.claims, { age_over_18: person.age_over_18, address: { country: person.address.country } });
}

// rejects awaits |promise| and returns the VeilHttpError it rejected with, checking its status and error code.
async function rejects(promise, status, code) {
  let error;
  await assert.rejects(promise, (e) => { error = e; return true; });
  assert.equal(error.status, status, `${error.message}`);
  assert.equal(error.body?.error, code, `${error.message}`);
  return error;
}

// --- 1. The whole flow ---------------------------------------------------------------------------------------------

e2eTest('issue, accept, request, consent and verify: the relying party gets exactly the requested claims', {},
  async () => withVeil(async (veil) => {
    const credential = await issuePerson(veil);

    const created = await veil.rp.requestAttributes(adultResidencePolicy);
    assert.equal(created.status, 'pending');
    assert.match(created.link, /^openid4vp:\/\/\?/);
    assert.equal(new URL(created.link).searchParams.get('client_id'), created.client_id);

    // The consent screen: who asks, which credential answers, what is required and what is optional.
    const pending = await veil.walletApi.submitRequest(created.link);
    assert.equal(pending.verifier.client_id, created.client_id);
    assert.equal(pending.verifier.signed, true);
    assert.equal(pending.queries.length, 1);
    const [query] = pending.queries;
    assert.equal(query.id, 'credential');
    assert.deepEqual(query.options.map((o) => o.credential_id), [credential.id]);
    const claims = query.options[0].claims;
    assert.deepEqual(claims.filter((c) => c.required).map((c) => c.path).sort(),
      [['address', 'country'], ['age_over_18']]);
    assert.deepEqual(claims.filter((c) => !c.required).map((c) => c.path), [['given_name']]);
    assert.equal((await veil.walletApi.status()).pending_requests, 1);

    // The holder unticks the optional given name and approves.
    const shared = await veil.walletApi.approve(pending.id, { claims: [] });
    assert.equal(shared.status, 'shared');
    assert.deepEqual(shared.warnings, []);
    assert.equal(shared.disclosed.length, 1);
    assert.equal(shared.disclosed[0].credential_id, credential.id);
    assert.deepEqual(shared.disclosed[0].paths.slice().sort(), [['address', 'country'], ['age_over_18']]);

    const result = await veil.rp.waitForResult(created.id);
    assertExactlyAdultResidence(result, veil);
    assert.equal(result.id, created.id);
    assert.doesNotMatch(JSON.stringify(result), /Erika|Mustermann|1984|Heidestra/);

    // A request is answered once; the wallet's history names the claims, never their values.
    await rejects(veil.walletApi.approve(pending.id, { claims: [] }), 409, 'request_already_answered');
    const history = await veil.walletApi.history();
    assert.equal(history.entries.length, 1);
    assert.equal(history.entries[0].outcome, 'accepted');
    assert.equal(history.entries[0].verifier, created.client_id);
    assert.deepEqual(history.entries[0].claims.slice().sort(), [['address', 'country'], ['age_over_18']]);
    assert.doesNotMatch(JSON.stringify(history), /"DE"|Erika/);
    const [summary] = (await veil.walletApi.credentials()).credentials;
    assert.equal(summary.copies_left, credential.copies_total - 1);
  }));

// --- 2. Revocation -------------------------------------------------------------------------------------------------

e2eTest('a revoked credential is rejected as credential_revoked, and before revocation it was accepted', {},
  async () => withVeil(async (veil) => {
    const credential = await issuePerson(veil);

    const before = await present(veil, veil.rp);
    assertExactlyAdultResidence(await veil.rp.waitForResult(before.created.id), veil);

    // The issuer's log has one row per copy of the batch (each copy its own holder key and status index); revoking
    // the holder's credential revokes every copy. Revoking again changes nothing; revocation is final.
    const log = (await veil.admin.credentials()).credentials;
    assert.equal(log.length, credential.copies_total);
    assert.ok(log.every((row) => row.status === 'valid' && row.credential_configuration_id === 'person'));
    assert.equal(new Set(log.map((row) => row.status_list.idx)).size, log.length, 'one status index per copy');
    for (const row of log) assert.equal((await veil.admin.revoke(row.id)).status, 'invalid');
    assert.equal((await veil.admin.revoke(log[0].id)).status, 'invalid');
    await rejects(veil.admin.reinstate(log[0].id), 409, 'status_transition_not_allowed');
    assert.ok((await veil.admin.credentials()).credentials.every((row) => row.status === 'invalid'));

    // The next presentation goes to a verifier that has not cached this status list yet: a verifier keeps a list
    // for its ttl (TSL §11.5; the issuer's status_list_ttl_seconds, 300 s by default, never less than 30 s), so the
    // one above may go on accepting the credential that long.
    const second = await veil.startVerifier();
    const created = await second.rp.requestAttributes(adultResidencePolicy);
    const pending = await veil.walletApi.submitRequest(created.link);
    const refused = await rejects(veil.walletApi.approve(pending.id, { claims: [] }), 502, 'unexpected_http_status');
    assert.match(refused.body.error_description, /HTTP 400: invalid_request$/);
    const result = await second.rp.waitForResult(created.id);
    assert.equal(result.status, 'failed');
    assert.deepEqual(Object.keys(result).sort(), ['completed_at', 'error', 'id', 'status']);
    assert.equal(result.error.code, 'credential_revoked');
    const history = await veil.walletApi.history();
    assert.deepEqual(history.entries.map((e) => e.outcome), ['rejected', 'accepted']);
  }));

// Suspension is the reversible status: rejected as credential_suspended while suspended, accepted after reinstatement.
e2eTest('a suspended credential is rejected as credential_suspended and accepted again once reinstated', {},
  async () => withVeil(async (veil) => {
    await issuePerson(veil);
    const log = (await veil.admin.credentials()).credentials;
    for (const row of log) assert.equal((await veil.admin.suspend(row.id)).status, 'suspended');

    // Each step asks a verifier that has not cached the status list yet (see the revocation case).
    const created = await veil.rp.requestAttributes(adultResidencePolicy);
    const pending = await veil.walletApi.submitRequest(created.link);
    await rejects(veil.walletApi.approve(pending.id, { claims: [] }), 502, 'unexpected_http_status');
    const suspended = await veil.rp.waitForResult(created.id);
    assert.equal(suspended.status, 'failed');
    assert.equal(suspended.error.code, 'credential_suspended');

    for (const row of log) assert.equal((await veil.admin.reinstate(row.id)).status, 'valid');
    const fresh = await veil.startVerifier();
    const again = await present(veil, fresh.rp);
    assert.equal(again.shared.status, 'shared');
    assertExactlyAdultResidence(await fresh.rp.waitForResult(again.created.id), veil);
    const history = await veil.walletApi.history();
    assert.deepEqual(history.entries.map((e) => e.outcome), ['accepted', 'rejected']);
  }));

// --- 3. Unlinkability ----------------------------------------------------------------------------------------------

e2eTest('two verifiers get presentations that share no issuer signature, salt, disclosure, digest or holder key', {},
  async () => withVeil(async (veil) => {
    const credential = await issuePerson(veil);
    const a = { rp: veil.rp, proxy: veil.proxy, service: veil.verifier };
    const b = await veil.startVerifier({ proxy: true });
    const policy = { vct: [PERSON_VCT], claims: [['given_name'], ['family_name'], ['address', 'country']] };

    const seen = [];
    for (const side of [a, b]) {
      const { created, shared } = await present(veil, side.rp, policy);
      assert.deepEqual(shared.warnings, []);
      const result = await side.rp.waitForResult(created.id);
      assert.equal(result.status, 'verified', JSON.stringify(result));
      assert.deepEqual(result.credentials.credential.claims,
        { given_name: person.given_name, family_name: person.family_name, address: { country: person.address.country } });
      // The raw direct_post the wallet sent, as it reached the verifier.
      const posts = side.proxy.directPosts();
      assert.equal(posts.length, 1);
      assert.equal(posts[0].status, 200);
      assert.deepEqual(Object.keys(posts[0].vpToken), ['credential']);
      assert.equal(posts[0].vpToken.credential.length, 1);
      seen.push({ clientId: created.client_id, presentation: decodePresentation(posts[0].vpToken.credential[0]) });
    }
    const [first, second] = seen;
    assert.notEqual(first.clientId, second.clientId, 'two verifiers with their own client_id');

    // Both show the same facts about the same person (the disclosed leaf values; the address object differs, its
    // _sd digests are per copy) ...
    const facts = (p) => p.decoded.filter((d) => d.length === 3 && typeof d[2] !== 'object')
      .map((d) => JSON.stringify([d[1], d[2]])).sort();
    assert.deepEqual(facts(first.presentation),
      [['country', 'DE'], ['family_name', 'Mustermann'], ['given_name', 'Erika']].map((f) => JSON.stringify(f)));
    assert.deepEqual(facts(first.presentation), facts(second.presentation));
    assert.equal(first.presentation.payload.iss, second.presentation.payload.iss);
    assert.equal(first.presentation.kb.payload.aud, first.clientId);
    assert.equal(second.presentation.kb.payload.aud, second.clientId);

    // ... but nothing that would let the two verifiers tell it is the same credential.
    assert.notEqual(first.presentation.signature, second.presentation.signature, 'issuer signatures differ');
    const shared = (x, y) => [...x].filter((v) => y.has(v));
    assert.deepEqual(shared(new Set(first.presentation.disclosures), new Set(second.presentation.disclosures)), []);
    const salts = (p) => new Set(p.decoded.map((d) => d[0]));
    assert.deepEqual(shared(salts(first.presentation), salts(second.presentation)), [], 'no salt in common');
    assert.deepEqual(shared(sdDigests(first.presentation.payload), sdDigests(second.presentation.payload)), [],
      'no digest in common');
    const cnf = (p) => p.payload.cnf?.jwk;
    assert.ok(cnf(first.presentation) && cnf(second.presentation), 'both copies are key-bound');
    assert.notDeepEqual(cnf(first.presentation), cnf(second.presentation), 'different holder keys');
    assert.notEqual(cnf(first.presentation).x, cnf(second.presentation).x);
    const status = (p) => p.payload.status?.status_list;
    if (status(first.presentation) || status(second.presentation)) {
      assert.notDeepEqual(status(first.presentation), status(second.presentation), 'different status list entries');
    }
    const [summary] = (await veil.walletApi.credentials()).credentials;
    assert.equal(summary.copies_left, credential.copies_total - 2);
  }, { verifierProxy: true }));

// --- 4. The holder declines ----------------------------------------------------------------------------------------

e2eTest('the holder declines and the relying party sees access_denied', {}, async () => withVeil(async (veil) => {
  await issuePerson(veil);
  const created = await veil.rp.requestAttributes(adultResidencePolicy);
  const pending = await veil.walletApi.submitRequest(created.link);
  assert.equal((await veil.rp.result(created.id)).status, 'pending');

  assert.deepEqual(await veil.walletApi.decline(pending.id), { status: 'declined', verifier_notified: true });
  const result = await veil.rp.waitForResult(created.id);
  assert.equal(result.status, 'failed');
  assert.deepEqual(Object.keys(result).sort(), ['completed_at', 'error', 'id', 'status']);
  assert.equal(result.error.code, 'access_denied');

  await rejects(veil.walletApi.decline(pending.id), 409, 'request_already_answered');
  await rejects(veil.walletApi.approve(pending.id, { body: { selections: {} } }), 409, 'request_already_answered');
  const history = await veil.walletApi.history();
  assert.equal(history.entries.length, 1);
  assert.equal(history.entries[0].outcome, 'declined');
  assert.deepEqual(history.entries[0].claims, []);
  const [summary] = (await veil.walletApi.credentials()).credentials;
  assert.equal(summary.copies_left, summary.copies_total, 'declining uses no copy');
}));

// --- 5. Expired transaction ----------------------------------------------------------------------------------------

// The verifier's shortest transaction lifetime is 30 s (verifier_config.cpp refuses less), so this case waits
// about that long: the one deliberate wait of the suite.
const SHORTEST_LIFETIME = 30;

e2eTest('an answer after the transaction expired is refused and the result says transaction_expired',
  { timeout: 90000 }, async () => withVeil(async (veil) => {
    await issuePerson(veil);
    const created = await veil.rp.requestAttributes(adultResidencePolicy);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(created.expires_at - (now + SHORTEST_LIFETIME)) <= 2, `expires_at ${created.expires_at}`);
    // The holder opens the request in time ...
    const pending = await veil.walletApi.submitRequest(created.link);
    const waiting = await veil.rp.result(created.id);
    assert.deepEqual(waiting, { id: created.id, status: 'pending', expires_at: created.expires_at });

    // ... and answers after it expired.
    await sleepUntilUnixTime(created.expires_at);
    const expired = await veil.rp.result(created.id);
    assert.equal(expired.status, 'failed');
    assert.equal(expired.error.code, 'transaction_expired');

    // The wallet holds a pending request no longer than the Request Object's exp: approving now is refused by the
    // wallet itself, and nothing leaves it (no presentation posted, no copy used).
    await rejects(veil.walletApi.approve(pending.id, { claims: [] }), 409, 'request_already_answered');
    assert.equal(veil.proxy.directPosts().length, 0);
    // A late answer that reaches the verifier anyway (here posted by hand) is refused with the precise reason,
    // OpenID4VP §8.2: 400 invalid_request, and the presentation is not looked at.
    const late = await fetch(pending.verifier.response_uri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ vp_token: JSON.stringify({ person: ['x~'] }), state: 'late' }).toString(),
    });
    assert.equal(late.status, 400);
    const lateAnswer = await late.json();
    assert.equal(lateAnswer.error, 'invalid_request');
    assert.equal(lateAnswer.error_code, 'transaction_expired');

    // Nothing was stored: the result still says expired, with no credentials and no completion time.
    const after = await veil.rp.result(created.id);
    assert.deepEqual(Object.keys(after).sort(), ['error', 'id', 'status']);
    assert.equal(after.status, 'failed');
    assert.equal(after.error.code, 'transaction_expired');
    // The Request Object is no longer served either.
    const object = await fetch(created.request_uri);
    assert.equal(object.status, 404);
    assert.equal((await object.json()).error, 'not_found');
    const history = await veil.walletApi.history();
    assert.deepEqual(history.entries, []);
  }, { verifierConfig: { transaction_lifetime_seconds: SHORTEST_LIFETIME }, verifierProxy: true }));

// --- 6. Restarts ---------------------------------------------------------------------------------------------------

// restartWith stops |service| with |signal|, checks how it ended, and starts it again on the same port and data dir.
async function restartWith(service, signal) {
  const url = service.url;
  const code = await service.stop(signal);
  // A clean SIGTERM exits 0; SIGKILL cannot be handled (the library reports 128 + 9).
  assert.equal(code, signal === 'SIGTERM' ? 0 : 137, `${service.name} stopped with ${code}`);
  await service.restart();
  assert.equal(service.url, url, `${service.name} came back on the same port`);
}

for (const signal of ['SIGTERM', 'SIGKILL']) {
  e2eTest(`restarting each service mid-way with ${signal} loses nothing`, {}, async () => withVeil(async (veil) => {
    // The wallet starts without a passphrase: it is created over the API, and after its restart it is locked.
    assert.deepEqual(await veil.walletApi.status(), { initialized: false, locked: true, pending_requests: 0 });
    assert.deepEqual(await veil.walletApi.initialize(PASSPHRASE), { initialized: true, locked: false });

    // Issuer: restarted between creating the offer and the wallet reading it, and again before the accept.
    const offer = await veil.admin.createOffer({ type: 'person', claims: person });
    await restartWith(veil.issuer, signal);
    const inspected = await veil.walletApi.inspectOffer(offer.offer_uri);
    assert.equal(inspected.credential_issuer, veil.issuer.url);
    await restartWith(veil.issuer, signal);
    const accepted = await veil.walletApi.acceptInspectedOffer(inspected.id);
    assert.equal(accepted.credentials.length, 1);
    const [credential] = accepted.credentials;
    assert.equal((await veil.admin.credentials()).credentials.length, credential.copies_total);

    // Wallet: restarted between accept and request; it comes back locked, and after unlocking the credential is
    // there, with all its copies.
    const token = veil.wallet.apiToken;
    await restartWith(veil.wallet, signal);
    assert.equal(veil.wallet.apiToken, token, 'the api-token survives a restart');
    assert.deepEqual(await veil.walletApi.status(), { initialized: true, locked: true, pending_requests: 0 });
    await rejects(veil.walletApi.credentials(), 423, 'wallet_locked');
    await rejects(veil.walletApi.unlock('not the passphrase'), 403, 'wrong_passphrase');
    assert.deepEqual(await veil.walletApi.unlock(PASSPHRASE), { locked: false });
    const stored = (await veil.walletApi.credentials()).credentials;
    assert.deepEqual(stored.map((c) => [c.id, c.vct, c.copies_left, c.copies_total]),
      [[credential.id, PERSON_VCT, credential.copies_total, credential.copies_total]]);

    // Verifier: restarted between creating the request and the wallet fetching it, again between the wallet
    // fetching it and answering, and once more after the answer: the transaction completes, the result stays.
    const created = await veil.rp.requestAttributes(adultResidencePolicy);
    await restartWith(veil.verifier, signal);
    const pending = await veil.walletApi.submitRequest(created.link);
    assert.equal(pending.verifier.client_id, created.client_id, 'the same request-signing certificate');
    await restartWith(veil.verifier, signal);
    assert.equal((await veil.rp.result(created.id)).status, 'pending');
    const shared = await veil.walletApi.approve(pending.id, { claims: [] });
    assert.equal(shared.status, 'shared');
    const result = await veil.rp.waitForResult(created.id);
    assertExactlyAdultResidence(result, veil);
    await restartWith(veil.verifier, signal);
    assert.deepEqual(await veil.rp.result(created.id), result);

    // And the wallet's record of it survives too.
    await restartWith(veil.wallet, signal);
    await veil.walletApi.unlock(PASSPHRASE);
    const history = await veil.walletApi.history();
    assert.deepEqual(history.entries.map((e) => [e.outcome, e.verifier]), [['accepted', created.client_id]]);
    assert.equal((await veil.walletApi.credentials()).credentials[0].copies_left, credential.copies_total - 1);
  }, { walletLocked: true }));
}

if (selected && !registered.includes(selected)) {
  throw new Error(`VEIL_E2E_CASE names no test: ${selected}\nknown: ${registered.join('\n       ')}`);
}
