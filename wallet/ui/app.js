// Veil wallet UI. Plain JavaScript, no dependencies, served by veil-wallet itself under
// Content-Security-Policy: default-src 'self'. Every value that came from an issuer, a verifier or a credential is
// put into the page with textContent, never as HTML.
//
// Session: `veil-wallet serve` prints a link ending in #login=<one-time code>. The fragment never reaches the
// network; this script reads it, removes it from the address bar and history, and trades it (POST, JSON) for a
// session token. The token is kept in sessionStorage (this tab only) and sent as "Authorization: Bearer" — never a
// cookie, so no other page can make the browser send it (no ambient authority, no CSRF).
'use strict';

const SESSION_KEY = 'veil.session';
const $ = (id) => document.getElementById(id);

const state = { status: null, requests: [], current: null };

// ---------- API ----------

class ApiError extends Error {
  constructor(status, code, description) {
    super(description || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

function session() { return sessionStorage.getItem(SESSION_KEY); }

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = session();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'The wallet is not reachable. Is veil-wallet serve still running?');
  }
  let data = null;
  const text = await response.text();
  if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
  if (!response.ok) {
    const error = new ApiError(response.status, data && data.error, data && data.error_description);
    if (response.status === 401 && path !== '/api/session') {
      sessionStorage.removeItem(SESSION_KEY);
      showSignIn();
    }
    if (error.code === 'wallet_locked') { refreshStatus(); }
    throw error;
  }
  return data;
}

// ---------- small DOM helpers ----------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function showError(id, message) {
  const node = $(id);
  node.textContent = message;
  node.hidden = !message;
}

let noticeTimer = null;
function notice(message, kind = 'info') {
  const node = $('notice');
  node.textContent = message;
  node.className = 'status-region' + (kind === 'error' ? ' error' : '');
  node.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { node.hidden = true; }, 8000);
}

async function busy(button, work) {
  const old = button.disabled;
  button.disabled = true;
  try { return await work(); } finally { button.disabled = old; }
}

function formatTime(seconds) {
  if (!seconds) return '—';
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function pathText(path) {
  return path.map((part) => (part === null ? 'all' : String(part))).join(' › ');
}

function claimLabel(claim) { return claim.label || pathText(claim.path); }

function copiesText(left, total) {
  if (total === undefined || total === null) return `${left} unused ${left === 1 ? 'copy' : 'copies'}`;
  return `${left} of ${total} ${total === 1 ? 'copy' : 'copies'} unused`;
}

const NO_COPIES_WARNING = 'Every copy of this credential has already been shown to a verifier. If you share it again, ' +
  'verifiers could recognise that both presentations came from you. Ask the issuer for a fresh credential.';

// ---------- views ----------

const VIEWS = ['signin', 'create', 'unlock', 'credentials', 'credential', 'requests', 'consent', 'history', 'rules'];

function showView(name, focusHeading = true) {
  for (const view of VIEWS) $(`view-${view}`).hidden = view !== name;
  const inside = !['signin', 'create', 'unlock'].includes(name);
  $('nav').hidden = !inside;
  $('lock-button').hidden = !inside;
  const section = name === 'credential' ? 'credentials' : name === 'consent' ? 'requests' : name;
  for (const tab of document.querySelectorAll('.tab')) {
    if (tab.dataset.view === section) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (focusHeading) {
    const heading = $(`view-${name}`).querySelector('h1');
    if (heading && heading.hasAttribute('tabindex')) heading.focus();
  }
}

function showSignIn() {
  showView('signin', false);
  $('signin-token').focus();
}

async function refreshStatus() {
  const status = await api('GET', '/api/status');
  state.status = status;
  const badge = $('pending-count');
  // The tab reads "Requests 3 pending" to a screen reader, not a bare number.
  badge.replaceChildren(String(status.pending_requests || 0), el('span', { class: 'visually-hidden', text: ' pending' }));
  badge.hidden = !status.pending_requests;
  if (!status.initialized) { showView('create', false); $('create-passphrase').focus(); return false; }
  if (status.locked) { showView('unlock', false); $('unlock-passphrase').focus(); return false; }
  return true;
}

async function route() {
  if (!session()) return showSignIn();
  let open;
  try { open = await refreshStatus(); } catch (e) { if (e.status !== 401) notice(e.message, 'error'); return; }
  if (!open) return;
  const hash = location.hash.replace(/^#/, '');
  const [section, id] = hash.split('/');
  try {
    if (section === 'requests' && id) await showConsent(id);
    else if (section === 'requests') await showRequests();
    else if (section === 'history') await showHistory();
    else if (section === 'rules') await showRules();
    else if (section === 'credentials' && id) await showCredential(id);
    else await showCredentials();
  } catch (e) {
    if (e.status !== 401) notice(e.message, 'error');
  }
}

// ---------- credentials ----------

async function showCredentials() {
  const { credentials } = await api('GET', '/api/credentials');
  const list = $('credential-list');
  clear(list);
  $('credentials-empty').hidden = credentials.length > 0;
  for (const credential of credentials) {
    const title = credential.name || credential.vct;
    const item = el('li', { class: 'card credential' },
      el('div', {},
        el('h3', { text: title }),
        el('p', { class: 'meta', text: `Issued by ${credential.issuer_name || credential.issuer}` }),
        credential.expires_at ? el('p', { class: 'meta', text: `Valid until ${formatTime(credential.expires_at)}` }) : null),
      el('div', {},
        el('p', { class: 'copies', text: copiesText(credential.copies_left, credential.copies_total) }),
        el('a', { class: 'button', href: `#credentials/${encodeURIComponent(credential.id)}`,
                  'aria-label': `Open ${title}` }, 'Open')),
      credential.copies_left === 0 ? el('p', { class: 'warning', role: 'note', text: NO_COPIES_WARNING }) : null);
    list.append(item);
  }
  showView('credentials');
}

function flattenClaims(value, path, out) {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (entries.length === 0) out.push({ path, value: Array.isArray(value) ? '(none)' : '(empty)' });
    for (const [key, child] of entries) flattenClaims(child, [...path, key], out);
  } else {
    out.push({ path, value });
  }
}

function displayValue(value) {
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  if (value === null) return '—';
  return String(value);
}

async function showCredential(id) {
  const credential = await api('GET', `/api/credentials/${encodeURIComponent(id)}`);
  const title = credential.name || credential.vct;
  $('credential-title').textContent = title;
  const facts = $('credential-facts');
  clear(facts);
  const fact = (term, value) => { facts.append(el('dt', { text: term }), el('dd', { text: value })); };
  fact('Issuer', credential.issuer_name ? `${credential.issuer_name} (${credential.issuer})` : credential.issuer);
  fact('Type', credential.vct);
  fact('Received', formatTime(credential.issued_at));
  if (credential.expires_at) fact('Valid until', formatTime(credential.expires_at));
  fact('Copies', copiesText(credential.copies_left, credential.copies_total));
  const labels = new Map((credential.claim_labels || []).map((c) => [JSON.stringify(c.path), c.label]));
  const claims = $('credential-claims');
  clear(claims);
  const flat = [];
  flattenClaims(credential.claims || {}, [], flat);
  const { claims: marked } = await api('GET', `/api/credentials/${encodeURIComponent(id)}/always-ask`);
  const alwaysAsk = new Set(marked.map((path) => JSON.stringify(path)));
  const saveAlwaysAsk = async () => {
    try {
      await api('PUT', `/api/credentials/${encodeURIComponent(id)}/always-ask`, { claims: [...alwaysAsk].map((p) => JSON.parse(p)) });
      notice('Saved: rules will never share the items marked "Always ask".');
    } catch (e) { notice(e.message, 'error'); }
  };
  flat.forEach((claim, i) => {
    const label = labels.get(JSON.stringify(claim.path)) || pathText(claim.path);
    // Array elements are marked through their array: a rule names whole claims, not positions.
    const markPath = typeof claim.path[claim.path.length - 1] === 'number' ? claim.path.slice(0, -1) : claim.path;
    const key = JSON.stringify(markPath);
    const toggleId = `always-ask-${i}`;
    const toggle = el('input', { type: 'checkbox', id: toggleId, checked: alwaysAsk.has(key),
      onchange: (event) => {
        if (event.target.checked) alwaysAsk.add(key); else alwaysAsk.delete(key);
        saveAlwaysAsk();
      } });
    claims.append(el('dt', { text: label }), el('dd', {}, el('span', { text: displayValue(claim.value) }),
      el('span', { class: 'always-ask' }, toggle, el('label', { for: toggleId, text: 'Always ask', 'aria-label': `Always ask before sharing ${label}` }))));
  });
  $('credential-delete').onclick = async () => {
    if (!confirm(`Remove "${title}" from this wallet? This cannot be undone.`)) return;
    await busy($('credential-delete'), async () => {
      try {
        await api('DELETE', `/api/credentials/${encodeURIComponent(id)}`);
        notice(`"${title}" was removed.`);
        location.hash = '#credentials';
      } catch (e) { notice(e.message, 'error'); }
    });
  };
  showView('credential');
}

let currentOffer = null;

function openOfferPanel(open) {
  $('offer-panel').hidden = !open;
  $('add-credential-button').setAttribute('aria-expanded', String(open));
  $('offer-form').hidden = false;
  $('offer-accept-form').hidden = true;
  showError('offer-error', '');
  showError('offer-accept-error', '');
  currentOffer = null;
  if (open) { $('offer-link').value = ''; $('offer-link').focus(); } else { $('add-credential-button').focus(); }
}

async function inspectOffer(event) {
  event.preventDefault();
  const link = $('offer-link').value.trim();
  if (!link) return showError('offer-error', 'Paste the offer link you received from the issuer.');
  showError('offer-error', '');
  await busy(event.submitter || $('offer-form').querySelector('[type=submit]'), async () => {
    try {
      currentOffer = await api('POST', '/api/offers', { offer: link });
    } catch (e) { return showError('offer-error', e.message); }
    $('offer-issuer-name').textContent = currentOffer.issuer_name || new URL(currentOffer.credential_issuer).host;
    $('offer-issuer-id').textContent = currentOffer.credential_issuer;
    const list = $('offer-credentials');
    clear(list);
    for (const offered of currentOffer.credentials) {
      list.append(el('li', {}, el('strong', { text: offered.name || offered.configuration_id }),
        offered.description ? el('span', { class: 'hint', text: ` — ${offered.description}` }) : null));
    }
    const tx = currentOffer.tx_code;
    $('offer-tx-code').hidden = !tx;
    const input = $('offer-tx-code-input');
    input.value = '';
    if (tx) {
      input.inputMode = tx.input_mode === 'text' ? 'text' : 'numeric';
      if (tx.length) input.maxLength = tx.length;
      $('offer-tx-code-hint').textContent = tx.description ||
        'The issuer sent you this code separately (for example by e-mail or text message).';
    }
    $('offer-form').hidden = true;
    $('offer-accept-form').hidden = false;
    (tx ? input : $('offer-accept-form').querySelector('[type=submit]')).focus();
  });
}

async function acceptOffer(event) {
  event.preventDefault();
  if (!currentOffer) return;
  const body = {};
  if (currentOffer.tx_code) {
    body.tx_code = $('offer-tx-code-input').value.trim();
    if (!body.tx_code) return showError('offer-accept-error', 'Enter the transaction code the issuer gave you.');
  }
  showError('offer-accept-error', '');
  await busy($('offer-accept-form').querySelector('[type=submit]'), async () => {
    try {
      const result = await api('POST', `/api/offers/${encodeURIComponent(currentOffer.id)}/accept`, body);
      const names = result.credentials.map((c) => c.name || c.vct).join(', ');
      openOfferPanel(false);
      notice(`Stored: ${names}.`);
      await showCredentials();
    } catch (e) { showError('offer-accept-error', e.message); }
  });
}

async function rejectOffer() {
  if (currentOffer) {
    try { await api('DELETE', `/api/offers/${encodeURIComponent(currentOffer.id)}`); } catch (e) { /* expires anyway */ }
  }
  openOfferPanel(false);
}

// ---------- requests and consent ----------

async function showRequests() {
  const { requests } = await api('GET', '/api/requests');
  state.requests = requests;
  const list = $('request-list');
  clear(list);
  $('requests-empty').hidden = requests.length > 0;
  for (const request of requests) {
    const asked = request.queries.map((q) => (q.options[0] && q.options[0].name) || q.id).join(', ');
    const who = request.verifier.host || request.verifier.client_id;
    list.append(el('li', { class: 'card credential' },
      el('div', {},
        el('h3', { text: who }),
        el('p', { class: 'meta', text: `Asks about: ${asked || 'nothing you hold'}` }),
        el('p', { class: 'meta', text: `Expires ${formatTime(request.expires_at)}` })),
      el('a', { class: 'button primary open', href: `#requests/${encodeURIComponent(request.id)}`,
                'aria-label': `Review the request from ${who}` }, 'Review')));
  }
  showView('requests');
}

async function submitRequest(event) {
  event.preventDefault();
  const link = $('request-link').value.trim();
  if (!link) return showError('request-error', 'Paste the request link the verifier showed you.');
  showError('request-error', '');
  await busy($('request-form').querySelector('[type=submit]'), async () => {
    try {
      const pending = await api('POST', '/api/requests', { request: link });
      $('request-link').value = '';
      if (pending.status === 'shared_by_rule') {
        notice('Answered by one of your rules: shared automatically. See History.');
        location.hash = '#history';
        return;
      }
      location.hash = `#requests/${encodeURIComponent(pending.id)}`;
    } catch (e) { showError('request-error', e.message); }
  });
}

function renderQuery(query, index) {
  const box = el('div', { class: 'card query' });
  const selectedId = query.options[0] && query.options[0].credential_id;
  const claimsBox = el('div', {});
  const renderClaims = (option) => {
    clear(claimsBox);
    const fieldset = el('fieldset', {}, el('legend', { text: 'Information that will be shared' }));
    option.claims.forEach((claim, i) => {
      const id = `q${index}-c${i}`;
      const input = el('input', { type: 'checkbox', id, checked: true, disabled: claim.required,
                                   'data-path': JSON.stringify(claim.path), 'data-optional': claim.required ? null : 'yes',
                                   'aria-describedby': `${id}-tag` });
      fieldset.append(el('div', { class: 'claim-row' }, input, el('label', { for: id, text: claimLabel(claim) }),
        el('span', { class: `tag ${claim.required ? 'required' : 'optional'}`, id: `${id}-tag`,
                     text: claim.required ? 'Required' : 'Optional' })));
    });
    if (option.claims.length === 0) {
      fieldset.append(el('p', { class: 'hint', text: 'Only that you hold this credential; none of its contents.' }));
    }
    claimsBox.append(fieldset);
    if (option.copies_left === 0) claimsBox.append(el('p', { class: 'warning', role: 'note', text: NO_COPIES_WARNING }));
  };
  const title = query.required ? 'Required' : 'Optional — you may leave this out';
  box.append(el('p', { class: 'eyebrow', text: title }));
  if (query.options.length === 1) {
    const option = query.options[0];
    box.append(el('h2', { text: option.name }),
      el('p', { class: 'meta', text: `From ${option.issuer_name || option.issuer} · ${copiesText(option.copies_left, option.copies_total)}` }));
  } else {
    const group = el('fieldset', {}, el('legend', { text: 'Which credential to use' }));
    query.options.forEach((option, i) => {
      const id = `q${index}-o${i}`;
      const radio = el('input', { type: 'radio', name: `query-${index}`, id, value: option.credential_id,
                                  checked: i === 0, onchange: () => renderClaims(option) });
      group.append(el('div', { class: 'choice' }, radio, el('label', { for: id },
        el('strong', { text: option.name }), ` — from ${option.issuer_name || option.issuer}, ${copiesText(option.copies_left, option.copies_total)}`)));
    });
    box.append(group);
  }
  if (!query.required) {
    const id = `q${index}-include`;
    box.append(el('div', { class: 'claim-row' }, el('input', { type: 'checkbox', id, checked: true, 'data-include': 'yes' }),
      el('label', { for: id, text: 'Include this credential' })));
  }
  box.dataset.queryId = query.id;
  box.dataset.selected = selectedId || '';
  box.append(claimsBox);
  if (query.options[0]) renderClaims(query.options[0]);
  return box;
}

async function showConsent(id) {
  const request = await api('GET', `/api/requests/${encodeURIComponent(id)}`);
  state.current = request;
  const verifier = request.verifier;
  $('consent-verifier-host').textContent = verifier.host || verifier.client_id;
  $('consent-client-id').textContent = verifier.client_id;
  $('consent-prefix').textContent = verifier.prefix_explained || verifier.prefix;
  $('consent-response-uri').textContent = verifier.response_uri;
  $('consent-expires').textContent = formatTime(request.expires_at);
  const queries = $('consent-queries');
  clear(queries);
  request.queries.forEach((query, i) => queries.append(renderQuery(query, i)));
  $('remember-enabled').checked = false;
  $('remember-terms').hidden = true;
  const inThirtyDays = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  $('remember-until').value = inThirtyDays.toISOString().slice(0, 10);
  $('consent-form').hidden = false;
  $('consent-result').hidden = true;
  showError('consent-error', '');
  showView('consent');
}

function collectApproval() {
  const selections = {};
  const optional = {};
  for (const box of $('consent-queries').querySelectorAll('.query')) {
    const queryId = box.dataset.queryId;
    const include = box.querySelector('[data-include]');
    if (include && !include.checked) continue;
    const radio = box.querySelector('input[type=radio]:checked');
    selections[queryId] = radio ? radio.value : box.dataset.selected;
    optional[queryId] = [...box.querySelectorAll('input[data-optional]')]
      .filter((input) => input.checked).map((input) => JSON.parse(input.dataset.path));
  }
  const approval = { selections, optional_claims: optional };
  if ($('remember-enabled').checked) {
    // The rule ends at the end of the chosen day, in the holder's time zone.
    const until = new Date(`${$('remember-until').value}T23:59:59`);
    approval.remember = { expires_at: Math.floor(until.getTime() / 1000), max_per_day: Number($('remember-per-day').value) };
  }
  return approval;
}

function showResult(parts) {
  const result = $('consent-result');
  clear(result);
  for (const part of parts) result.append(part);
  $('consent-form').hidden = true;
  result.hidden = false;
  result.focus();
}

async function approve(event) {
  event.preventDefault();
  const request = state.current;
  if (!request) return;
  showError('consent-error', '');
  await busy($('consent-approve'), async () => {
    try {
      const outcome = await api('POST', `/api/requests/${encodeURIComponent(request.id)}/approve`, collectApproval());
      const parts = [el('p', { class: 'success', text: `Shared with ${request.verifier.host || request.verifier.client_id}.` })];
      for (const shared of outcome.disclosed || []) {
        parts.push(el('p', { text: `${shared.credential_name}: ${shared.claims.length ? shared.claims.join(', ') : 'proof of possession only'}` }));
      }
      if (outcome.remembered) parts.push(el('p', { text: 'Rule saved: the same items go to this verifier without asking until the date you chose. Revoke it under Rules.' }));
      for (const warning of outcome.warnings || []) parts.push(el('p', { class: 'warning', role: 'note', text: warning }));
      if (outcome.redirect_uri) {
        parts.push(el('p', {}, 'The verifier asks you to continue at ', el('code', { text: outcome.redirect_uri }),
          '. Open it only if you expected to.'));
      }
      parts.push(el('div', { class: 'actions' }, el('a', { class: 'button', href: '#history' }, 'See history'),
        el('a', { class: 'button primary', href: '#requests' }, 'Done')));
      showResult(parts);
      refreshStatus().catch(() => {});
    } catch (e) { showError('consent-error', e.message); }
  });
}

async function decline() {
  const request = state.current;
  if (!request) return;
  await busy($('consent-decline'), async () => {
    try {
      await api('POST', `/api/requests/${encodeURIComponent(request.id)}/decline`, {});
      showResult([el('p', { text: 'You declined. Nothing was shared.' }),
        el('div', { class: 'actions' }, el('a', { class: 'button primary', href: '#requests' }, 'Done'))]);
      refreshStatus().catch(() => {});
    } catch (e) { showError('consent-error', e.message); }
  });
}

// ---------- history ----------

async function showHistory() {
  const { entries } = await api('GET', '/api/history');
  const rows = $('history-rows');
  clear(rows);
  $('history-empty').hidden = entries.length > 0;
  $('history-table').hidden = entries.length === 0;
  const OUTCOME = { rejected: ' (the verifier refused it)', failed: ' (delivery failed)',
                    unconfirmed: ' (sent; the wallet stopped before the verifier answered)' };
  for (const entry of entries) {
    const shared = entry.outcome === 'declined' ? 'You declined: nothing was shared'
      : (entry.claims.length ? entry.claims.map(pathText).join(', ') : 'proof of possession only') + (OUTCOME[entry.outcome] || '');
    const how = entry.automatic ? el('span', { class: 'tag automatic', text: 'Automatic (your rule)' }) : null;
    rows.append(el('tr', {},
      el('td', { text: formatTime(entry.time) }),
      el('td', {}, el('code', { text: entry.verifier })),
      el('td', { text: entry.credential_name || entry.vct || '—' }),
      el('td', {}, el('span', { text: shared }), how ? ' ' : null, how)));
  }
  showView('history');
}

async function exportHistory() {
  await busy($('history-export'), async () => {
    try {
      const data = await api('GET', '/api/history/export');
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: 'veil-wallet-history.json' });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) { notice(e.message, 'error'); }
  });
}

// ---------- standing consent rules ----------

async function showRules() {
  const [{ rules }, { credentials }] = await Promise.all([api('GET', '/api/rules'), api('GET', '/api/credentials')]);
  const names = new Map(credentials.map((c) => [c.id, c.name || c.vct]));
  const list = $('rule-list');
  clear(list);
  $('rules-empty').hidden = rules.length > 0;
  for (const rule of rules) {
    const credential = names.get(rule.credential_id) || 'a credential you removed';
    const revoke = el('button', { type: 'button', class: 'button danger-quiet', text: 'Revoke',
                                  'aria-label': `Revoke the rule for ${rule.verifier_client_id}` });
    revoke.addEventListener('click', () => busy(revoke, async () => {
      try {
        await api('DELETE', `/api/rules/${encodeURIComponent(rule.id)}`);
        notice('Rule revoked: this verifier will be asked again.');
        await showRules();
      } catch (e) { notice(e.message, 'error'); }
    }));
    list.append(el('li', { class: 'card credential' },
      el('div', {},
        el('h3', {}, el('code', { text: rule.verifier_client_id })),
        el('p', { class: 'meta', text: `May receive from ${credential}: ${rule.claims.map(pathText).join(', ')}` }),
        el('p', { class: 'meta', text: rule.active ? `Until ${formatTime(rule.expires_at)} · at most ${rule.max_per_day} a day · ${rule.uses_last_24h} in the last 24 hours`
                                                  : `Expired ${formatTime(rule.expires_at)}: answers nothing` })),
      revoke));
  }
  showView('rules');
}

// ---------- session, unlock, lock ----------

async function exchangeLoginCode(code) {
  try {
    const result = await api('POST', '/api/session', { code });
    sessionStorage.setItem(SESSION_KEY, result.session);
  } catch (e) {
    notice('This sign-in link was already used or has expired. Restart veil-wallet serve for a new one, or sign in with the API token.', 'error');
  }
}

async function signIn(event) {
  event.preventDefault();
  const token = $('signin-token').value.trim();
  if (!token) return showError('signin-error', 'Paste the API token.');
  await busy($('signin-form').querySelector('[type=submit]'), async () => {
    try {
      sessionStorage.setItem(SESSION_KEY, token);
      const result = await api('POST', '/api/session', {});
      sessionStorage.setItem(SESSION_KEY, result.session);
      $('signin-token').value = '';
      showError('signin-error', '');
      await route();
    } catch (e) {
      sessionStorage.removeItem(SESSION_KEY);
      showError('signin-error', e.status === 401 ? 'That is not this wallet\'s API token.' : e.message);
    }
  });
}

async function unlock(event) {
  event.preventDefault();
  const input = $('unlock-passphrase');
  if (!input.value) return showError('unlock-error', 'Enter your passphrase.');
  await busy($('unlock-form').querySelector('[type=submit]'), async () => {
    try {
      await api('POST', '/api/unlock', { passphrase: input.value });
      input.value = '';
      showError('unlock-error', '');
      await route();
    } catch (e) {
      input.select();
      showError('unlock-error', e.code === 'wrong_passphrase' ? 'That passphrase is not right.' : e.message);
    }
  });
}

async function create(event) {
  event.preventDefault();
  const pass = $('create-passphrase').value;
  if (pass.length < 8) return showError('create-error', 'Use at least 8 characters.');
  if (pass !== $('create-confirm').value) return showError('create-error', 'The two passphrases differ.');
  await busy($('create-form').querySelector('[type=submit]'), async () => {
    try {
      await api('POST', '/api/initialize', { passphrase: pass });
      $('create-passphrase').value = '';
      $('create-confirm').value = '';
      showError('create-error', '');
      await route();
    } catch (e) { showError('create-error', e.message); }
  });
}

async function lock() {
  try {
    await api('POST', '/api/lock', {});
    notice('The wallet is locked.');
  } catch (e) { notice(e.message, 'error'); }
  await route();
}

// ---------- start ----------

async function start() {
  $('signin-form').addEventListener('submit', signIn);
  $('create-form').addEventListener('submit', create);
  $('unlock-form').addEventListener('submit', unlock);
  $('lock-button').addEventListener('click', lock);
  $('add-credential-button').addEventListener('click', () => openOfferPanel($('offer-panel').hidden));
  $('offer-cancel').addEventListener('click', () => openOfferPanel(false));
  $('offer-form').addEventListener('submit', inspectOffer);
  $('offer-accept-form').addEventListener('submit', acceptOffer);
  $('offer-reject').addEventListener('click', rejectOffer);
  $('request-form').addEventListener('submit', submitRequest);
  $('consent-form').addEventListener('submit', approve);
  $('consent-decline').addEventListener('click', decline);
  $('history-export').addEventListener('click', exportHistory);
  $('remember-enabled').addEventListener('change', (event) => { $('remember-terms').hidden = !event.target.checked; });
  window.addEventListener('hashchange', route);

  const login = location.hash.match(/^#login=([A-Za-z0-9_-]+)$/);
  if (login) {
    // Drop the code from the address bar and the history entry before anything else happens.
    history.replaceState(null, '', `${location.pathname}#credentials`);
    await exchangeLoginCode(login[1]);
  }
  await route();
}

start();
