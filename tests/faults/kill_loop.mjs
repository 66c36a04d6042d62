// kill -9 loops (issue 7 "Faults", ATTACKS L10): node kill_loop.mjs issuer|wallet|verifier
// Environment: VEIL_ISSUER_BIN, VEIL_WALLET_BIN, VEIL_VERIFIER_BIN (the built programs); VEIL_FAULTS_SEED replays a
// run (the seed is printed first and again on failure); VEIL_FAULTS_KILLS (default 100) and
// VEIL_FAULTS_MAX_DELAY_MS (default 25) size it.
//
// Each round starts the service on the same data directory, checks what the previous round left (PRAGMA
// integrity_check is ok; every write the client saw acknowledged is there; what was consumed before the kill is
// refused when replayed), lets three clients write for a random moment drawn from the seeded generator, and
// kills the service with SIGKILL while their requests are in flight. A request whose answer arrived is
// "acknowledged"; one cut off by the kill may or may not have happened and is never asserted on.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import {
  AGE_CLAIMS, PASSPHRASE, adminKey, call, cleanUp, createOffer, fetchNonce, integrityCheck, issueCredentials,
  issuerConfig, jwtPayload, keyProof, kill9, newHolderKey, preAuthorizedCode, presentation, privateDir,
  redeemCode, requestCredential, seedFromEnvironment, seededRandom, start, statusOf, tempDir,
} from './support.mjs';

const service = process.argv[2];
const issuerBin = process.env.VEIL_ISSUER_BIN;
const walletBin = process.env.VEIL_WALLET_BIN;
const verifierBin = process.env.VEIL_VERIFIER_BIN;
const KILLS = Number(process.env.VEIL_FAULTS_KILLS ?? 100);
const MAX_DELAY_MS = Number(process.env.VEIL_FAULTS_MAX_DELAY_MS ?? 25);
const MAX_ACKS_BEFORE_KILL = 12;
const WORKERS = 3;
const seed = seedFromEnvironment();
const random = seededRandom(seed);
const pick = (list) => list[Math.floor(random() * list.length)];
const stats = { kills: 0, restarts: 0, in_flight_at_kill: 0, integrity_checks: 0, replays_refused: {} };
const refused = (kind) => { stats.replays_refused[kind] = (stats.replays_refused[kind] ?? 0) + 1; };

// ---- the loop ---------------------------------------------------------------------------------------------------

// killLoop runs KILLS rounds of start → check → write → kill -9, then one last start → check → SIGTERM.
async function killLoop({ startService, database, check, workers }) {
  for (let round = 0; round <= KILLS; round++) {
    const server = await startService();
    if (round > 0) stats.restarts++;
    const integrity = integrityCheck(database);
    stats.integrity_checks++;
    assert.equal(integrity, 'ok', `PRAGMA integrity_check after restart ${round}`);
    await check(server, round);
    if (round === KILLS) {
      server.child.kill('SIGTERM');
      const { code, signal, stderr } = await server.exited;
      assert.equal(code, 0, `the last start stops on SIGTERM with exit 0, got ${code ?? signal}: ${stderr}`);
      return;
    }
    // The kill moment: after a random number of acknowledged writes (so that a slow, shared machine still gets
    // past its first request), then a random number of milliseconds into whatever the clients are doing.
    const epoch = { server, alive: true, inFlight: 0, acks: 0, goal: Math.floor(random() * MAX_ACKS_BEFORE_KILL) };
    const delay = Math.floor(random() * MAX_DELAY_MS);
    let reached;
    epoch.reached = new Promise((resolve) => { reached = resolve; });
    epoch.acknowledged = () => { if (++epoch.acks >= epoch.goal) reached(); };
    if (epoch.goal === 0) reached();
    const running = Array.from({ length: WORKERS }, () => worker(epoch, workers));
    const failed = Promise.all(running).then(() => { if (epoch.alive) throw new Error('the clients stopped before the kill'); });
    failed.catch(() => {});  // awaited below; after the kill its rejection (if any) surfaces from Promise.all
    await Promise.race([epoch.reached, failed]);
    await Promise.race([sleep(delay), failed]);
    epoch.alive = false;
    stats.in_flight_at_kill += epoch.inFlight;
    const { signal } = await kill9(server);
    assert.equal(signal, 'SIGKILL', `round ${round}: the service was still running when killed`);
    stats.kills++;
    await Promise.all(running);
  }
}

// worker repeats one of the service's write sequences until the kill. Each step goes through |epoch.step|, which
// counts requests in flight and tells the difference between a refused request (a bug while the service is
// alive) and one the kill cut off (expected: the sequence just stops).
async function worker(epoch, sequence) {
  const step = async (request) => {
    if (!epoch.alive) throw new Killed();
    epoch.inFlight++;
    try {
      const answer = await request();
      epoch.acknowledged();
      return answer;
    } catch (e) {
      if (!epoch.alive) throw new Killed();
      throw e;
    } finally {
      epoch.inFlight--;
    }
  };
  while (epoch.alive) {
    try {
      await sequence(epoch.server, step);
    } catch (e) {
      if (e instanceof Killed) return;
      throw e;
    }
  }
}
class Killed extends Error {}

// ---- issuer: offers, pre-authorized codes, credentials with status indices, revocations -----------------------

async function issuerLoop() {
  const dir = tempDir();
  const dataDir = join(dir, 'issuer');
  const config = issuerConfig(dir, { batch_size: 3 });
  const database = join(dataDir, 'issuer.db');
  let key;
  let port = 0;

  const offers = [];            // acknowledged offers whose code was not yet sent to /token: must still work
  const tokens = [];            // acknowledged access tokens not yet spent: must still buy a credential
  const issued = new Map();     // status "uri#idx" → round, for every credential the client received
  let lastCodes = [];           // codes redeemed (acknowledged) in the round just killed: replayed after restart
  let lastTokens = [];          // access tokens spent (acknowledged) in the round just killed: replayed
  let lastNonces = [];          // c_nonces spent (acknowledged) in the round just killed: replayed (up to 3)
  let codes = [];
  let spent = [];
  let nonces = [];
  const revoked = new Set();    // log ids whose revocation was acknowledged
  let revocable = [];           // log ids of valid credentials, from the last listing
  let round = 0;

  const acknowledgeIssued = (credentials) => {
    for (const { credential } of credentials) {
      const status = statusOf(credential);
      // ATTACKS L10: a status index is never handed out twice, across every crash.
      assert.ok(!issued.has(status), `[attack:L10] status index ${status} handed out twice (rounds ${issued.get(status)} and ${round})`);
      issued.set(status, round);
    }
  };

  const sequence = async (server, step) => {
    const base = server.base;
    if (revocable.length > 0 && random() < 0.2) {
      const id = revocable.pop();
      const r = await step(() => call(`${base}/admin/credentials/${id}/revoke`, { method: 'POST', bearer: key }));
      assert.equal(r.status, 200, `revoke: ${JSON.stringify(r.body)}`);
      revoked.add(id);
      return;
    }
    let token = tokens.shift();
    if (token === undefined) {
      let code = offers.shift();
      if (code === undefined) {
        const offer = await step(() => createOffer(base, key));
        assert.equal(offer.status, 201, `offer: ${JSON.stringify(offer.body)}`);
        code = preAuthorizedCode(offer.body);
        offers.push(code);
        code = offers.shift();
      }
      const redeemed = await step(() => redeemCode(base, code));
      assert.equal(redeemed.status, 200, `an acknowledged offer's code is redeemed: ${JSON.stringify(redeemed.body)}`);
      codes.push(code);
      token = redeemed.body.access_token;
      tokens.push(token);
      token = tokens.shift();
    }
    const nonce = await step(() => fetchNonce(base));
    assert.equal(nonce.status, 200);
    const holders = Array.from({ length: 1 + Math.floor(random() * 3) }, newHolderKey);
    const answer = await step(() => requestCredential(base, token, holders.map((h) => keyProof(base, h, nonce.body.c_nonce))));
    assert.equal(answer.status, 200, `an acknowledged token buys its credentials: ${JSON.stringify(answer.body)}`);
    spent.push(token);
    nonces.push(nonce.body.c_nonce);
    acknowledgeIssued(answer.body.credentials);
  };

  const check = async (server, r) => {
    round = r;
    key = adminKey(dataDir);
    const base = server.base;
    // Replays of what was consumed before the kill (ATTACKS P13; access tokens buy one request).
    for (const code of lastCodes) {
      const again = await redeemCode(base, code);
      assert.equal(again.status, 400, `a redeemed pre-authorized code is refused after a crash: ${JSON.stringify(again.body)}`);
      assert.equal(again.body.error, 'invalid_grant');
      refused('pre_authorized_code');
    }
    for (const token of lastTokens) {
      const nonce = await fetchNonce(base);
      const holder = newHolderKey();
      const again = await requestCredential(base, token, [keyProof(base, holder, nonce.body.c_nonce)]);
      assert.ok(again.status === 400 || again.status === 401, `a spent access token is refused after a crash: ${again.status} ${JSON.stringify(again.body)}`);
      refused('access_token');
    }
    // ATTACKS P15 after a crash: a c_nonce spent before the kill does not buy a credential with a fresh token.
    for (const used of lastNonces.slice(0, 3)) {
      const offer = await createOffer(base, key);
      const token = await redeemCode(base, preAuthorizedCode(offer.body));
      assert.equal(token.status, 200);
      const again = await requestCredential(base, token.body.access_token, [keyProof(base, newHolderKey(), used)]);
      assert.equal(again.status, 400, `a spent c_nonce is refused after a crash: ${JSON.stringify(again.body)}`);
      assert.equal(again.body.error, 'invalid_nonce');
      refused('c_nonce');
    }
    // The issued-credential log holds every credential the client received, with its acknowledged revocation,
    // and no status index twice.
    const log = [];
    let cursor = 0;
    for (;;) {
      const page = await call(`${base}/admin/credentials?limit=1000&cursor=${cursor}`, { bearer: key });
      assert.equal(page.status, 200);
      log.push(...page.body.credentials);
      if (page.body.next_cursor === undefined) break;
      cursor = page.body.next_cursor;
    }
    const byStatus = new Map();
    for (const entry of log) {
      const status = `${entry.status_list.uri}#${entry.status_list.idx}`;
      assert.ok(!byStatus.has(status), `[attack:L10] the log holds status index ${status} twice`);
      byStatus.set(status, entry);
    }
    for (const status of issued.keys()) assert.ok(byStatus.has(status), `issued credential ${status} is in the log after a crash`);
    for (const entry of log) {
      // The log uses the Token Status List names: a revoked credential is "invalid".
      if (revoked.has(entry.id)) assert.equal(entry.status, 'invalid', `acknowledged revocation of ${entry.id} survives`);
    }
    const ids = new Set(log.map((e) => e.id));
    for (const id of revoked) assert.ok(ids.has(id), `revoked credential ${id} is still in the log`);
    revocable = log.filter((e) => e.status === 'valid' && random() < 0.1).map((e) => e.id);
    stats.log_entries = log.length;
    lastCodes = codes; codes = [];
    lastTokens = spent; spent = [];
    lastNonces = nonces; nonces = [];
  };

  await killLoop({
    database,
    startService: async () => {
      const server = await start(issuerBin, ['--port', String(port), '--data-dir', dataDir, '--config', config]);
      port = server.port;
      return server;
    },
    check,
    workers: sequence,
  });
  Object.assign(stats, { credentials_acknowledged: issued.size, distinct_status_indices: issued.size,
    revocations_acknowledged: revoked.size });
}

// ---- wallet: offers accepted and stored, presentations answered -----------------------------------------------

async function walletLoop() {
  const dir = tempDir();
  const issuerDir = join(dir, 'issuer');
  const issuer = await start(issuerBin, ['--port', '0', '--data-dir', issuerDir, '--config', issuerConfig(dir, { batch_size: 2 })]);
  const key = adminKey(issuerDir);
  // A scripted verifier: every direct_post is recorded under the path's nonce.
  const posts = new Map();
  const verifier = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => { body += c; });
    request.on('end', () => {
      const nonce = request.url.split('/').pop();
      posts.set(nonce, (posts.get(nonce) ?? 0) + 1);
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise((resolve) => verifier.listen(0, '127.0.0.1', resolve));
  const verifierBase = `http://127.0.0.1:${verifier.address().port}`;

  const walletDir = join(dir, 'wallet');
  const config = join(dir, 'wallet.json');
  writeFileSync(config, JSON.stringify({ allow_loopback_http: true, kdf: 'minimum' }));
  const database = join(walletDir, 'wallet.db');
  const stored = new Set();          // credential ids the wallet acknowledged storing
  const shared = new Set();          // client_ids the wallet said it answered
  let consumedOffers = [];           // offer links accepted (acknowledged) in the round just killed
  let lastOffers = [];
  let token;
  let port = 0;
  let requests = 0;
  let unrecorded = 0;
  const dcql = { credentials: [{ id: 'age', format: 'dc+sd-jwt', meta: { vct_values: ['urn:veil:credential:age'] },
    claims: [{ path: ['age_over_18'] }] }] };

  const sequence = async (server, step) => {
    const api = (method, path, json) => step(() => call(`${server.base}${path}`, { method, bearer: token, json }));
    if (stored.size === 0 || random() < 0.5) {
      const offer = await createOffer(issuer.base, key);
      const inspected = await api('POST', '/api/offers', { offer: offer.body.offer_uri });
      assert.equal(inspected.status, 201, `inspect: ${JSON.stringify(inspected.body)}`);
      const accepted = await api('POST', `/api/offers/${inspected.body.id}/accept`, {});
      assert.equal(accepted.status, 201, `accept: ${JSON.stringify(accepted.body)}`);
      for (const c of accepted.body.credentials) stored.add(c.id);
      consumedOffers.push(offer.body.offer_uri);
      return;
    }
    const nonce = `n${requests++}`;
    const responseUri = `${verifierBase}/response/${nonce}`;
    const link = `openid4vp://?${new URLSearchParams({ client_id: `redirect_uri:${responseUri}`, response_type: 'vp_token',
      response_mode: 'direct_post', response_uri: responseUri, nonce, state: `s-${nonce}`, dcql_query: JSON.stringify(dcql) })}`;
    const pending = await api('POST', '/api/requests', { request: link });
    assert.equal(pending.status, 201, `request: ${JSON.stringify(pending.body)}`);
    const query = pending.body.queries[0];
    const approved = await api('POST', `/api/requests/${pending.body.id}/approve`,
      { selections: { [query.id]: pick(query.options).credential_id }, optional_claims: {} });
    assert.equal(approved.status, 200, `approve: ${JSON.stringify(approved.body)}`);
    shared.add(`redirect_uri:${responseUri}`);
  };

  const check = async (server) => {
    token = readFileSync(join(walletDir, 'api-token'), 'utf8').trim();
    const api = (method, path, json) => call(`${server.base}${path}`, { method, bearer: token, json });
    const listed = await api('GET', '/api/credentials');
    assert.equal(listed.status, 200);
    const ids = new Set(listed.body.credentials.map((c) => c.id));
    for (const id of stored) assert.ok(ids.has(id), `stored credential ${id} survives a kill -9`);
    const history = await api('GET', '/api/history');
    assert.equal(history.status, 200);
    const answered = new Set(history.body.entries.map((e) => e.verifier));
    for (const clientId of shared) assert.ok(answered.has(clientId), `the history keeps the acknowledged answer to ${clientId}`);
    // An accepted offer cannot be accepted again: the issuer refuses its code, the wallet stores nothing.
    for (const link of lastOffers) {
      const inspected = await api('POST', '/api/offers', { offer: link });
      if (inspected.status === 201) {
        const again = await api('POST', `/api/offers/${inspected.body.id}/accept`, {});
        assert.notEqual(again.status, 201, 'an accepted offer is not accepted twice');
      }
      refused('accepted_offer');
    }
    const after = await api('GET', '/api/credentials');
    assert.equal(after.body.credentials.length, listed.body.credentials.length, 'a replayed offer stored nothing');
    for (const [nonce, count] of posts) assert.equal(count, 1, `the wallet answered request ${nonce} once`);
    // Not asserted (the kill may fall between the post and its record), but reported: answers that left the
    // wallet and have no history entry.
    unrecorded = [...posts.keys()].filter((n) => !answered.has(`redirect_uri:${verifierBase}/response/${n}`)).length;
    lastOffers = consumedOffers; consumedOffers = [];
  };

  try {
    await killLoop({
      database,
      startService: async () => {
        const server = await start(walletBin, ['--port', String(port), '--data-dir', walletDir, '--config', config],
          { env: { VEIL_WALLET_PASSPHRASE: PASSPHRASE } });
        port = server.port;
        return server;
      },
      check,
      workers: sequence,
    });
  } finally {
    verifier.close();
    issuer.child.kill('SIGTERM');
    await issuer.exited;
  }
  Object.assign(stats, { credentials_acknowledged: stored.size, answers_acknowledged: shared.size,
    answers_received_by_verifier: posts.size, answers_sent_without_history_entry: unrecorded });
}

// ---- verifier: transactions created and completed -------------------------------------------------------------

async function verifierLoop() {
  const dir = tempDir();
  const issuerDir = join(dir, 'issuer');
  const issuer = await start(issuerBin, ['--port', '0', '--data-dir', issuerDir, '--config', issuerConfig(dir, { batch_size: 10 })]);
  const credentials = await issueCredentials(issuer.base, adminKey(issuerDir), 10);
  const verifierDir = privateDir(join(dir, 'verifier'));
  writeFileSync(join(verifierDir, 'trust.json'), JSON.stringify({ issuers: [{ iss: issuer.base, resolve: 'metadata' }] }));
  const config = join(dir, 'verifier.json');
  writeFileSync(config, JSON.stringify({ allow_loopback_http: true, rate_limit: { per_second: 1000000, burst: 1000000 } }));
  const database = join(verifierDir, 'verifier.db');
  let apiKey;
  let port = 0;
  const created = new Map();      // transaction id → 'pending' | 'verified' (acknowledged)
  const pendingForms = [];        // acknowledged transactions with their request object, not yet answered
  let completedForms = [];        // [{responseUri, form}] acknowledged completions of the round just killed
  let lastForms = [];
  const touched = new Set();      // transactions created or answered since the last check

  const sequence = async (server, step) => {
    let next = pendingForms.shift();
    if (next === undefined) {
      const made = await step(() => call(`${server.base}/v1/presentation-requests`, { method: 'POST', bearer: apiKey,
        json: { vct: ['urn:veil:credential:age'], claims: [['age_over_18']] } }));
      assert.equal(made.status, 201, `create: ${JSON.stringify(made.body)}`);
      created.set(made.body.id, 'pending');
      touched.add(made.body.id);
      const object = await step(() => call(made.body.request_uri));
      assert.equal(object.status, 200);
      next = { id: made.body.id, request: jwtPayload(object.body) };
      // Some transactions stay pending over the kill, and are answered after the restart.
      if (random() < 0.3) { pendingForms.push(next); return; }
    }
    const { id, request } = next;
    const vpToken = JSON.stringify({ credential: [presentation(pick(credentials), ['age_over_18'],
      { nonce: request.nonce, aud: request.client_id })] });
    const form = { vp_token: vpToken, state: request.state };
    created.set(id, { answering: next });
    touched.add(id);
    const answered = await step(() => call(request.response_uri, { method: 'POST', form }));
    assert.equal(answered.status, 200, `an acknowledged transaction takes its answer: ${JSON.stringify(answered.body)}`);
    created.set(id, 'verified');
    completedForms.push({ id, responseUri: request.response_uri, form });
  };

  const check = async (server, round) => {
    apiKey = JSON.parse(readFileSync(join(verifierDir, 'api-keys.json'), 'utf8')).relying_parties[0].api_key;
    // ATTACKS K10/P2 after a crash: an answered transaction's nonce and state are spent.
    for (const { responseUri, form } of lastForms) {
      const again = await call(responseUri, { method: 'POST', form });
      assert.equal(again.status, 400, `a presentation is not accepted twice after a crash: ${JSON.stringify(again.body)}`);
      assert.equal(again.body.error_code, 'transaction_completed');
      refused('presentation');
    }
    // Every transaction touched in the round just killed, a sample of the older ones, and all of them at the end
    // (checking all after every restart made the run quadratic).
    const older = [...created.keys()].filter((id) => !touched.has(id));
    const sample = round === KILLS ? older : Array.from({ length: Math.min(20, older.length) }, () => pick(older));
    for (const id of [...touched, ...sample]) {
      const expected = created.get(id);
      const result = await call(`${server.base}/v1/presentation-requests/${id}`, { bearer: apiKey });
      assert.equal(result.status, 200, `transaction ${id} survives a kill -9`);
      if (typeof expected === 'object') {
        // Its answer was cut off by the kill: either it arrived (verified) or not (pending, answered again now).
        assert.ok(['pending', 'verified'].includes(result.body.status), `transaction ${id}: ${JSON.stringify(result.body)}`);
        created.set(id, result.body.status);
        if (result.body.status === 'pending') pendingForms.push(expected.answering);
        continue;
      }
      assert.equal(result.body.status, expected, `transaction ${id}: ${JSON.stringify(result.body.error ?? result.body.status)}`);
    }
    lastForms = completedForms; completedForms = [];
    touched.clear();
  };

  try {
    await killLoop({
      database,
      startService: async () => {
        const server = await start(verifierBin, ['--port', String(port), '--data-dir', verifierDir, '--config', config]);
        port = server.port;
        return server;
      },
      check,
      workers: sequence,
    });
  } finally {
    issuer.child.kill('SIGTERM');
    await issuer.exited;
  }
  Object.assign(stats, { transactions_acknowledged: created.size,
    completions_acknowledged: [...created.values()].filter((s) => s === 'verified').length });
}

// ---- main -------------------------------------------------------------------------------------------------------

const loops = { issuer: issuerLoop, wallet: walletLoop, verifier: verifierLoop };
if (!loops[service]) {
  console.error('usage: node kill_loop.mjs issuer|wallet|verifier');
  process.exit(2);
}
console.log(`kill -9 loop on veil-${service}: ${KILLS} kills, seed ${seed} (VEIL_FAULTS_SEED=${seed} replays it)`);
const began = Date.now();
try {
  await loops[service]();
  console.log(JSON.stringify({ service, seed, seconds: (Date.now() - began) / 1000, ...stats }));
} catch (e) {
  console.error(`FAILED (veil-${service}, VEIL_FAULTS_SEED=${seed}, after ${stats.kills} kills): ${e.stack ?? e}`);
  console.error(JSON.stringify(stats));
  process.exitCode = 1;
} finally {
  cleanUp();
}
