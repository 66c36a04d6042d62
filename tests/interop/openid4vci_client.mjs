// A third-party OpenID4VCI 1.0 wallet against `veil-issuer serve`: node openid4vci_client.mjs ISSUER VERIFIER CASE
// The client is OpenWallet Foundation's @openid4vc/openid4vci (oid4vc-ts, used by Credo wallets). It does
// everything a wallet does (resolve the offer, read both metadata documents, token, nonce, key proof, credential
// request); the test then checks the credential itself and verifies it with veil-verifier and with @sd-jwt/sd-jwt-vc
// against the issuer's JWKS from /.well-known/jwt-vc-issuer.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { Openid4vciClient, Openid4vciVersion, Openid4vciRetrieveCredentialsError, setGlobalConfig }
  from '@openid4vc/openid4vci';
import { clientAuthenticationAnonymous, Oauth2ClientErrorResponseError } from '@openid4vc/oauth2';
import { makeInstance, decodePart, getVerifier } from './sd_jwt_js.mjs';

const [issuerBin, verifierBin, caseName] = process.argv.slice(2);
const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');
const dir = mkdtempSync(join(tmpdir(), 'veil-vci-'));
const file = (name) => join(dir, name);

// The library refuses http URLs unless told otherwise (INTEROP.md); the test server is on loopback.
setGlobalConfig({ allowInsecureUrls: true });

// ---- the issuer process ----------------------------------------------------------------------------------------

let server;
let serverExit;

function startIssuer() {
  server = spawn(issuerBin, ['serve', '--port', '0', '--data-dir', file('issuer')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  serverExit = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return new Promise((resolve, reject) => {
    let stdout = '';
    server.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
      if (match) resolve(match[1]);
    });
    serverExit.then(({ code, signal }) => reject(new Error(`issuer exited (${code ?? signal}) before listening: ${stderr}`)));
  });
}

async function stopIssuer() {
  server.kill('SIGTERM');
  const { code, signal, stderr } = await serverExit;
  assert.equal(code, 0, `the issuer stops on SIGTERM with exit 0, got ${code ?? signal}: ${stderr}`);
}

async function admin(base, method, path, body) {
  const adminKey = readFileSync(file('issuer/admin-api-key'), 'utf8').trim();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function createOffer(base, configurationId, claims, txCode) {
  const { status, body } = await admin(base, 'POST', '/admin/offers',
    { credential_configuration_id: configurationId, claims, tx_code: txCode });
  assert.equal(status, 201, `admin offer: ${JSON.stringify(body)}`);
  return body;
}

// ---- the wallet's side: keys and the library's callbacks ------------------------------------------------------

function newHolderKey() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicJwk: publicKey.export({ format: 'jwk' }), privateKey };
}

// signJwt signs with the holder key whose public JWK the library put in the signer (method "jwk").
function signJwtWith(holderKeys) {
  return async (signer, { header, payload }) => {
    assert.equal(signer.method, 'jwk', 'the proof is signed with a bare key (jwk header)');
    assert.equal(signer.alg, 'ES256');
    const key = holderKeys.find((k) => k.publicJwk.x === signer.publicJwk.x && k.publicJwk.y === signer.publicJwk.y);
    assert.ok(key, 'the library asks for a key the wallet holds');
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.` +
      Buffer.from(JSON.stringify(payload)).toString('base64url');
    // JWS ES256 is raw r||s (RFC 7518 §3.4), not DER.
    const signature = crypto.sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    return { jwt: `${input}.${signature.toString('base64url')}`, signerJwk: signer.publicJwk };
  };
}

// Every exchange the library makes, so that the test can check what it sent and what it was answered.
const exchanges = [];
async function recordingFetch(input, init) {
  const response = await fetch(input, init);
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  exchanges.push({ method: init?.method ?? 'GET', path: url.pathname, body: init?.body, status: response.status,
    contentType: response.headers.get('content-type'), cacheControl: response.headers.get('cache-control') });
  return response;
}

function walletClient(holderKeys) {
  return new Openid4vciClient({
    callbacks: {
      fetch: recordingFetch,
      hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
      generateRandom: (length) => new Uint8Array(crypto.randomBytes(length)),
      signJwt: signJwtWith(holderKeys),
      // Pre-authorized code flow without client authentication (AS metadata says anonymous access is supported).
      clientAuthentication: clientAuthenticationAnonymous(),
    },
  });
}

async function expectTokenError(promise, error) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Oauth2ClientErrorResponseError, `expected a token error response, got ${e.stack ?? e}`);
    assert.equal(e.errorResponse.error, error);
    return true;
  });
}

async function expectCredentialError(promise, error) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof Openid4vciRetrieveCredentialsError, `expected a credential error, got ${e.stack ?? e}`);
    const parsed = e.response.credentialErrorResponseResult;
    assert.ok(parsed?.success, `the library parses our error response: ${e.message}`);
    assert.equal(parsed.data.error, error);
    return true;
  });
}

// ---- what every case checks about the credentials -------------------------------------------------------------

async function checkCredentials({ base, credentials, holderKeys, configurationId, claims }) {
  assert.equal(credentials.length, holderKeys.length, 'one credential per proof');
  const jwtVcIssuer = await (await fetch(`${base}/.well-known/jwt-vc-issuer`)).json();
  assert.equal(jwtVcIssuer.issuer, base);
  writeFileSync(file('trust.json'), JSON.stringify({ issuers: [{ iss: jwtVcIssuer.issuer, jwks: jwtVcIssuer.jwks }] }));
  const typeMetadata = JSON.parse(readFileSync(join(schemasDir, configurationId, 'type_metadata.json'), 'utf8'));
  const salts = new Set();

  for (let i = 0; i < credentials.length; i++) {
    const credential = credentials[i];
    assert.equal(typeof credential, 'string', 'a dc+sd-jwt credential is a string');
    assert.ok(credential.endsWith('~'), 'an SD-JWT without key binding ends with ~');
    const jwt = credential.split('~')[0];
    const header = decodePart(jwt, 0);
    const payload = decodePart(jwt, 1);
    assert.equal(header.typ, 'dc+sd-jwt');
    assert.equal(header.alg, 'ES256');
    assert.equal(payload.iss, base);
    assert.equal(payload.vct, typeMetadata.vct);
    const { kty, crv, x, y } = holderKeys[i].publicJwk;
    assert.deepEqual(payload.cnf.jwk, { kty, crv, x, y }, `credential ${i} is bound to proof key ${i}`);
    for (const disclosure of credential.split('~').slice(1, -1)) {
      const salt = JSON.parse(Buffer.from(disclosure, 'base64url').toString())[0];
      assert.ok(!salts.has(salt), 'every credential has its own salts');
      salts.add(salt);
    }

    // Veil's verifier, trusting the issuer through its published JWKS.
    const r = spawnSync(verifierBin, ['verify', '--presentation', '-', '--trust', file('trust.json'), '--no-kb'],
      { input: credential + '\n', encoding: 'utf8' });
    assert.equal(r.status, 0, `veil-verifier: ${r.stderr}${r.stdout}`);
    const veil = JSON.parse(r.stdout);
    for (const [name, value] of Object.entries(claims)) {
      assert.deepEqual(veil.claims[name], value, `veil-verifier sees ${name}`);
    }

    // The OpenWallet Foundation SD-JWT library, with the key the JWKS names in the header's kid. It also fetches
    // the credential's status list from /status/<n> and verifies that statuslist+jwt with the same JWKS.
    const theirs = await (await sdJwtJs(jwtVcIssuer.jwks, header.kid)).verify(credential);
    for (const [name, value] of Object.entries(claims)) {
      assert.deepEqual(theirs.payload[name], value, `sd-jwt-js sees ${name}`);
    }
  }
  return jwtVcIssuer.jwks;
}

async function sdJwtJs(jwks, kid) {
  const issuerKey = jwks.keys.find((k) => k.kid === kid);
  assert.ok(issuerKey, `the JWKS holds the signing key ${kid}`);
  const lib = await makeInstance({ issuerPublic: issuerKey });
  lib.config({
    statusVerifier: async (data, signature) => {
      const statusKid = JSON.parse(Buffer.from(data.split('.')[0], 'base64url').toString()).kid;
      const key = jwks.keys.find((k) => k.kid === statusKid);
      return Boolean(key) && (await getVerifier(key))(data, signature);
    },
  });
  return lib;
}

// After an admin revocation, both verifiers see it in the next status list token.
async function checkRevocation(base, credentials, jwks) {
  const listed = await admin(base, 'GET', '/admin/credentials');
  assert.equal(listed.status, 200);
  const payload = decodePart(credentials[0].split('~')[0], 1);
  const record = listed.body.credentials.find((c) => c.status_list.uri === payload.status.status_list.uri &&
    c.status_list.idx === payload.status.status_list.idx);
  assert.ok(record, 'the admin API lists the credential by its status reference');
  const revoked = await admin(base, 'POST', `/admin/credentials/${record.id}/revoke`);
  assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
  const lib = await sdJwtJs(jwks, decodePart(credentials[0].split('~')[0], 0).kid);
  await assert.rejects(lib.verify(credentials[0]), /^SDJWTException: Status is not valid$/m, 'sd-jwt-js sees the revocation');
  if (credentials.length > 1) await lib.verify(credentials[1]);  // its sibling stays valid
}

// checkExchanges checks the wallet's requests in order and the headers of our answers (RFC 6749 §5.1 and
// VCI §7.2: token and nonce responses are not cacheable).
function checkExchanges({ byValue, txCode }) {
  const steps = exchanges.map((e) => `${e.method} ${e.path} ${e.status}`);
  if (process.env.VEIL_TRACE) console.log(steps.join('\n'));  // VEIL_TRACE=1 prints what the library asked
  const expected = [
    ...(byValue ? [] : [/^GET \/offers\/[^/]+ 200$/]),
    /^GET \/\.well-known\/openid-credential-issuer 200$/,
    /^GET \/\.well-known\/oauth-authorization-server 200$/,
    ...(txCode ? [/^POST \/token 400$/] : []),
    /^POST \/token 200$/,
    /^POST \/token 400$/,
    /^POST \/nonce 200$/,
    /^POST \/credential 200$/,
  ];
  // The library may also look for signed metadata or openid-configuration first; those misses are allowed.
  const relevant = steps.filter((s) => !/ 404$/.test(s));
  assert.equal(relevant.length, expected.length, `the wallet's requests: ${steps.join(', ')}`);
  relevant.forEach((step, i) => assert.match(step, expected[i], `request ${i}: ${steps.join(', ')}`));
  for (const e of exchanges.filter((x) => x.status !== 404)) {
    assert.match(e.contentType ?? '', /^application\/json/, `${e.method} ${e.path} answers JSON`);
    if (e.path === '/token' || e.path === '/nonce' || e.path === '/credential') {
      assert.equal(e.cacheControl, 'no-store', `${e.method} ${e.path} is not cacheable`);
    }
  }
  const tokenRequest = new URLSearchParams(exchanges.find((e) => e.path === '/token').body);
  console.log(`token request parameters sent by the library: ${[...tokenRequest.keys()].join(', ')}`);
  exchanges.length = 0;
}

// ---- the flows ------------------------------------------------------------------------------------------------

async function obtain({ base, configurationId, claims, txCode, byValue, proofCount }) {
  exchanges.length = 0;
  const admin = await createOffer(base, configurationId, claims, Boolean(txCode));
  const holderKeys = Array.from({ length: proofCount }, newHolderKey);
  const client = walletClient(holderKeys);

  const offerLink = byValue ? admin.offer_uri_by_value : admin.offer_uri;
  assert.match(offerLink, byValue ? /^openid-credential-offer:\/\/\?credential_offer=/
    : /^openid-credential-offer:\/\/\?credential_offer_uri=/);
  const offer = await client.resolveCredentialOffer(offerLink);
  assert.deepEqual(offer, admin.credential_offer, 'the library reads the offer the admin API announced');
  assert.deepEqual(offer.credential_configuration_ids, [configurationId]);

  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  assert.equal(issuerMetadata.originalDraftVersion, Openid4vciVersion.V1, 'the library reads 1.0 metadata');
  assert.equal(issuerMetadata.authorizationServers[0].token_endpoint, `${base}/token`);

  const grant = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
  if (txCode) {
    assert.deepEqual(Object.keys(grant.tx_code).sort(), ['description', 'input_mode', 'length']);
    assert.equal(grant.tx_code.length, admin.tx_code.length);
    const wrong = admin.tx_code.replace(/./, (d) => String((Number(d) + 1) % 10));
    await expectTokenError(client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer,
      issuerMetadata, txCode: wrong }), 'invalid_grant');
  } else {
    assert.equal(grant.tx_code, undefined);
  }
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, txCode: txCode ? admin.tx_code : undefined });
  assert.equal(accessTokenResponse.token_type, 'Bearer');
  // The code is single use (VCI §13.6.1): the library reads the second answer as an OAuth error response.
  await expectTokenError(client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer,
    issuerMetadata, txCode: txCode ? admin.tx_code : undefined }), 'invalid_grant');

  const { c_nonce: nonce } = await client.requestNonce({ issuerMetadata });
  const jwts = [];
  for (const key of holderKeys) {
    const { jwt } = await client.createCredentialRequestJwtProof({ issuerMetadata, credentialConfigurationId:
      configurationId, signer: { method: 'jwk', alg: 'ES256', publicJwk: key.publicJwk }, nonce,
      issuedAt: new Date() });
    jwts.push(jwt);
  }
  const { credentialResponse } = await client.retrieveCredentials({ issuerMetadata, credentialConfigurationId:
    configurationId, accessToken: accessTokenResponse.access_token, proofs: { jwt: jwts } });
  const credentials = credentialResponse.credentials.map((c) => c.credential);
  checkExchanges({ byValue, txCode });
  const jwks = await checkCredentials({ base, credentials, holderKeys, configurationId, claims });
  await checkRevocation(base, credentials, jwks);

  // A spent c_nonce is refused with the error code the library knows (VCI §8.3.1.2).
  const { accessTokenResponse: second } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: (await createOffer(base, configurationId, claims, false)).credential_offer, issuerMetadata });
  await expectCredentialError(client.retrieveCredentials({ issuerMetadata, credentialConfigurationId:
    configurationId, accessToken: second.access_token, proofs: { jwt: [jwts[0]] } }), 'invalid_nonce');
}

const example = (id) => JSON.parse(readFileSync(join(schemasDir, id, 'example_claims.json'), 'utf8'));

const cases = {
  'pre-authorized code, offer by reference, batch of two'(base) {
    return obtain({ base, configurationId: 'person', claims: example('person'), proofCount: 2 });
  },
  'pre-authorized code with tx_code, offer by value'(base) {
    return obtain({ base, configurationId: 'age', claims: example('age'), txCode: true, byValue: true,
      proofCount: 1 });
  },
  async 'every credential type in schemas/'(base) {
    const ids = readdirSync(schemasDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.ok(ids.length >= 4, 'at least four credential types');
    for (const id of ids) await obtain({ base, configurationId: id, claims: example(id), proofCount: 1 });
  },
};

const test = cases[caseName];
if (!test) {
  console.error(`unknown case "${caseName}"; cases:\n${Object.keys(cases).join('\n')}`);
  process.exit(2);
}
try {
  const base = await startIssuer();
  await test(base);
  await stopIssuer();
  console.log(`ok - ${caseName}`);
} catch (e) {
  console.error(`not ok - ${caseName}\n${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  if (!process.env.VEIL_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
