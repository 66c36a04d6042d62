// Thin fetch clients over the HTTP APIs of Veil's three services (README: "Running an issuer", "The holder's
// wallet", "Running a verifier"). Every method returns the parsed JSON body of the answer; a non-2xx answer throws
// a VeilHttpError whose .status and .body (parsed) are set and whose message names the method, path and error code.

/** VeilHttpError is a non-2xx answer: .status (HTTP status), .body (parsed JSON, or the text), .method, .path. */
export class VeilHttpError extends Error {
  constructor(method, path, status, body) {
    const code = typeof body?.error === 'string' ? body.error : body?.error?.code ?? 'no error code';
    const description = body?.error_description ?? body?.error?.message;
    super(`${method} ${path}: ${status} ${code}${description ? ` (${description})` : ''}`);
    this.name = 'VeilHttpError';
    this.method = method;
    this.path = path;
    this.status = status;
    this.body = body;
  }
}

// call sends one request with a bearer token and returns the parsed body (throws VeilHttpError on non-2xx).
async function call(base, token, method, path, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text (the error message still names the status)
  }
  if (!response.ok) throw new VeilHttpError(method, path, response.status, parsed);
  return parsed;
}

const segment = (id) => encodeURIComponent(id);

/** IssuerAdmin calls the issuer's admin API (Authorization: Bearer <admin key>). */
export class IssuerAdmin {
  constructor(url, adminKey) {
    this.url = url;
    this.adminKey = adminKey;
  }

  /**
   * createOffer({ type, claims, txCode, ...more }) → POST /admin/offers: { offer_uri, offer_uri_by_value,
   * credential_offer, credential_offer_uri, tx_code?, expires_at }. type is the credential_configuration_id
   * (person, age, employment, professional_licence); txCode: true asks for a transaction code.
   */
  createOffer({ type, claims, txCode, ...more }) {
    const body = { credential_configuration_id: type, claims, ...more };
    if (txCode !== undefined) body.tx_code = txCode;
    return call(this.url, this.adminKey, 'POST', '/admin/offers', body);
  }

  /** credentials({ cursor, limit } = {}) → GET /admin/credentials: the issued-credential log (no claim values). */
  credentials({ cursor, limit } = {}) {
    const query = new URLSearchParams();
    if (cursor !== undefined) query.set('cursor', String(cursor));
    if (limit !== undefined) query.set('limit', String(limit));
    const suffix = query.toString() ? `?${query}` : '';
    return call(this.url, this.adminKey, 'GET', `/admin/credentials${suffix}`);
  }

  /** revoke(credentialId) → POST /admin/credentials/<id>/revoke: the credential's new status (final). */
  revoke(credentialId) {
    return call(this.url, this.adminKey, 'POST', `/admin/credentials/${segment(credentialId)}/revoke`);
  }

  /** suspend(credentialId) → POST /admin/credentials/<id>/suspend: the credential's new status. */
  suspend(credentialId) {
    return call(this.url, this.adminKey, 'POST', `/admin/credentials/${segment(credentialId)}/suspend`);
  }

  /** reinstate(credentialId) → POST /admin/credentials/<id>/reinstate: a suspended credential is valid again. */
  reinstate(credentialId) {
    return call(this.url, this.adminKey, 'POST', `/admin/credentials/${segment(credentialId)}/reinstate`);
  }

  /** rotateKey() → POST /admin/keys/rotate: { kid } of the new current signing key. */
  rotateKey() {
    return call(this.url, this.adminKey, 'POST', '/admin/keys/rotate');
  }

  /** metadata() → GET /.well-known/openid-credential-issuer (public, no key needed). */
  metadata() {
    return call(this.url, null, 'GET', '/.well-known/openid-credential-issuer');
  }
}

// pathKey names a claim path (a DCQL array like ["address", "country"], or the dotted "address.country").
const pathKey = (path) => (Array.isArray(path) ? path.join('.') : String(path));

/** WalletApi calls the holder's wallet API (Authorization: Bearer <api-token or UI session>). */
export class WalletApi {
  constructor(url, apiToken) {
    this.url = url;
    this.apiToken = apiToken;
  }

  /** status() → GET /api/status: { initialized, locked, pending_requests, credentials }. */
  status() {
    return call(this.url, this.apiToken, 'GET', '/api/status');
  }

  /** initialize(passphrase) → POST /api/initialize: { initialized, locked } (a new wallet, unlocked). */
  initialize(passphrase) {
    return call(this.url, this.apiToken, 'POST', '/api/initialize', { passphrase });
  }

  /** unlock(passphrase) → POST /api/unlock: { locked: false } (403 wrong_passphrase). */
  unlock(passphrase) {
    return call(this.url, this.apiToken, 'POST', '/api/unlock', { passphrase });
  }

  /** lock() → POST /api/lock: { locked: true }. */
  lock() {
    return call(this.url, this.apiToken, 'POST', '/api/lock', {});
  }

  /** openSession(code) → POST /api/session with the one-time login code (no bearer): { session, expires_in }. */
  openSession(code) {
    return call(this.url, null, 'POST', '/api/session', { code });
  }

  /** inspectOffer(offerUri) → POST /api/offers: { id, issuer, credentials offered, tx_code needed, ... }. */
  inspectOffer(offerUri) {
    return call(this.url, this.apiToken, 'POST', '/api/offers', { offer: offerUri });
  }

  /** acceptInspectedOffer(id, { txCode }) → POST /api/offers/<id>/accept: { credentials: [{ id, vct, ... }], ... }. */
  acceptInspectedOffer(id, { txCode } = {}) {
    return call(this.url, this.apiToken, 'POST', `/api/offers/${segment(id)}/accept`,
      txCode === undefined ? {} : { tx_code: txCode });
  }

  /**
   * acceptOffer(offerUri, { txCode }) inspects then accepts an offer: the accept body ({ credentials: [{ id, ... }] })
   * with .offer set to the inspect body.
   */
  async acceptOffer(offerUri, { txCode } = {}) {
    const offer = await this.inspectOffer(offerUri);
    const accepted = await this.acceptInspectedOffer(offer.id, { txCode });
    return { ...accepted, offer };
  }

  /** credentials() → GET /api/credentials: { credentials: [{ id, vct, issuer, copies_left, ... }] } (no claims). */
  credentials() {
    return call(this.url, this.apiToken, 'GET', '/api/credentials');
  }

  /** credential(id) → GET /api/credentials/<id>: one credential with its claims (for the holder only). */
  credential(id) {
    return call(this.url, this.apiToken, 'GET', `/api/credentials/${segment(id)}`);
  }

  /** deleteCredential(id) → DELETE /api/credentials/<id>: { deleted: true }. */
  deleteCredential(id) {
    return call(this.url, this.apiToken, 'DELETE', `/api/credentials/${segment(id)}`);
  }

  /**
   * submitRequest(openid4vpUri) → POST /api/requests: the pending request with its consent screen: { id, verifier:
   * { client_id, prefix, prefix_explained, host, response_uri, signed }, queries: [{ id, required, options:
   * [{ credential_id, name, issuer, claims: [{ path, label, required }] }] }], plan, expires_at }.
   */
  submitRequest(openid4vpUri) {
    return call(this.url, this.apiToken, 'POST', '/api/requests', { request: openid4vpUri });
  }

  /** pendingRequests() → GET /api/requests: { requests: [pending request, ...] } (oldest first). */
  pendingRequests() {
    return call(this.url, this.apiToken, 'GET', '/api/requests');
  }

  /** request(id) → GET /api/requests/<id>: one pending request (404 not_found, 409 once answered). */
  request(id) {
    return call(this.url, this.apiToken, 'GET', `/api/requests/${segment(id)}`);
  }

  /**
   * approve(id, { claims, credentialId, body } = {}) → POST /api/requests/<id>/approve: { status: 'shared',
   * disclosed: [{ query_id, credential_id, claims, paths }], warnings, ... }. Without body, the approval is built from
   * the pending request: each query answered by the option whose credential_id is credentialId (else its first
   * option), with the optional claims listed in claims ticked (paths as arrays or dotted strings; undefined ticks
   * every optional claim, as the UI does; [] unticks them all). body is sent as is when given.
   */
  async approve(id, { claims, credentialId, body } = {}) {
    if (body === undefined) {
      const pending = await this.request(id);
      const wanted = claims === undefined ? undefined : new Set(claims.map(pathKey));
      body = { selections: {}, optional_claims: {} };
      for (const query of pending.queries) {
        const option = query.options.find((o) => o.credential_id === credentialId) ?? query.options[0];
        if (!option) continue;
        body.selections[query.id] = option.credential_id;
        body.optional_claims[query.id] = option.claims
          .filter((c) => !c.required && (wanted === undefined || wanted.has(pathKey(c.path))))
          .map((c) => c.path);
      }
    }
    return call(this.url, this.apiToken, 'POST', `/api/requests/${segment(id)}/approve`, body);
  }

  /** decline(id) → POST /api/requests/<id>/decline: the verifier is told access_denied. */
  decline(id) {
    return call(this.url, this.apiToken, 'POST', `/api/requests/${segment(id)}/decline`, {});
  }

  /** history() → GET /api/history: { entries: [{ verifier, time, credential, claims, outcome }] } (no values). */
  history() {
    return call(this.url, this.apiToken, 'GET', '/api/history');
  }
}

/** RelyingParty calls the verifier's relying-party API (Authorization: Bearer <API key>), as an AI service does. */
export class RelyingParty {
  constructor(url, apiKey) {
    this.url = url;
    this.apiKey = apiKey;
  }

  /**
   * requestAttributes(body) → POST /v1/presentation-requests: { id, link (the openid4vp:// link for the wallet),
   * client_id, request_uri, expires_at }. body is a simple policy { vct: [...], claims: [["age_over_18"], ...],
   * optional_claims, trusted_issuers, max_age_seconds } or { dcql_query: {...} }.
   */
  requestAttributes(body) {
    return call(this.url, this.apiKey, 'POST', '/v1/presentation-requests', body);
  }

  /**
   * result(id) → GET /v1/presentation-requests/<id>: { id, status: 'pending' | 'verified' | 'failed', credentials:
   * { query id: { iss, vct, status, claims } } (requested claims only), error: { code, message } }.
   */
  result(id) {
    return call(this.url, this.apiKey, 'GET', `/v1/presentation-requests/${segment(id)}`);
  }

  /**
   * waitForResult(id, { timeoutMs = 10000, intervalMs = 50 }) polls result(id) until it is no longer pending and
   * returns it; rejects with an Error (.result = the last answer) after timeoutMs.
   */
  async waitForResult(id, { timeoutMs = 10000, intervalMs = 50 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.result(id);
      if (answer.status !== 'pending') return answer;
      if (Date.now() >= deadline) {
        const error = new Error(`presentation request ${id} still pending after ${timeoutMs} ms`);
        error.result = answer;
        throw error;
      }
      await new Promise((done) => setTimeout(done, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
    }
  }

  /** verify({ presentation, aud, nonce } | { presentation, no_kb: true }) → POST /v1/verify: what `verify` prints. */
  verify(body) {
    return call(this.url, this.apiKey, 'POST', '/v1/verify', body);
  }

  /** health() → GET /health: { status: 'ok' }. */
  health() {
    return call(this.url, null, 'GET', '/health');
  }
}
