// Veil's narrated demo (issue 6): three real services on loopback, one person credential, one AI service that asks
// for two attributes and receives exactly those, verified. Run by ./run.sh; see --help.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBinDir, privateDir, startVeil } from './veil_services.mjs';
import { IssuerAdmin, RelyingParty, WalletApi } from './veil_clients.mjs';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DEFAULT_PORTS = { issuer: 8701, wallet: 8702, verifier: 8703 };
const PERSON_VCT = 'urn:veil:credential:person';
// What the AI service asks for: age_over_18 (required) and the country of residence (optional: the holder may
// untick it in the wallet UI; the demo's scripted holder approves both).
const ASKED = { required: [['age_over_18']], optional: [['address', 'country']] };
const ERIKA = {
  given_name: 'Erika',
  family_name: 'Mustermann',
  birthdate: '1964-08-12',
  birth_place: 'Berlin',
  nationalities: ['DE', 'FR'],
  address: { street_address: 'Heidestrasse 17', locality: 'Koeln', postal_code: '51147', country: 'DE' },
  email: 'erika.mustermann@example.com',
  age_over_13: true,
  age_over_16: true,
  age_over_18: true,
  age_over_21: true,
  age_over_65: false,
};

const HELP = `usage: node scripts/demo/demo.mjs [--interactive] [--no-serve] [--bin-dir DIR] [--var-dir DIR] [--ports auto]
                            [--wallet-kdf moderate|interactive|minimum]

Starts veil-issuer, veil-wallet and veil-verifier on 127.0.0.1 (ports 8701, 8702, 8703; data under VAR-DIR) and
walks the demo: the issuer offers a person credential, the wallet accepts it, an AI service asks the verifier to
prove age_over_18 and the country of residence, the holder approves, and the AI service receives exactly those
attributes, verified. Then the services keep running, with their URLs printed, until Ctrl-C.

  --interactive   the holder answers in the wallet's web UI (the demo prints the one-time login link and waits)
  --no-serve      stop the services after the demo; exit 0 only if the AI service received exactly what the
                  holder approved (1 otherwise, with the difference)
  --bin-dir DIR   where veil-issuer, veil-wallet and veil-verifier are (default: $VEIL_BUILD_DIR, else ./build)
  --var-dir DIR   data directories issuer/, wallet/, verifier/ and wallet-passphrase (default ./var)
  --ports auto    free ports instead of 8701-8703 (tests; the issuer's URL then changes between runs)
  --wallet-kdf K  the passphrase KDF of a new wallet: moderate (default), interactive, minimum (tests only)

The wallet's passphrase is VEIL_WALLET_PASSPHRASE, else VAR-DIR/wallet-passphrase (created 0600 on the first run).`;

function parseArgs(argv) {
  const options = { interactive: false, serve: true, binDir: undefined, varDir: 'var', ports: DEFAULT_PORTS, kdf: undefined };
  for (let i = 0; i < argv.length; ++i) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i]];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '-h': case '--help': console.log(HELP); process.exit(0); break;
      case '--interactive': options.interactive = true; break;
      case '--no-serve': options.serve = false; break;
      case '--bin-dir': options.binDir = value(); break;
      case '--var-dir': options.varDir = value(); break;
      case '--ports': {
        const ports = value();
        if (ports !== 'auto') usage(`--ports takes "auto", not ${ports}`);
        options.ports = { issuer: 0, wallet: 0, verifier: 0 };
        break;
      }
      case '--wallet-kdf': {
        options.kdf = value();
        if (!['moderate', 'interactive', 'minimum'].includes(options.kdf)) usage(`--wallet-kdf takes moderate, interactive or minimum`);
        break;
      }
      default: usage(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

function usage(message) {
  console.error(`demo: ${message} (see --help)`);
  process.exit(2);
}

// --- Printing ----------------------------------------------------------------------------------------------------

const say = (line = '') => console.log(line);
const step = (n, who, text) => say(`  ${n}. ${who.padEnd(10)} ${text}`);
const more = (text) => say(`     ${''.padEnd(10)} ${text}`);
const shown = (dir) => {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') ? rel : dir;
};
const dotted = (path) => path.join('.');

// leaves flattens a claims object into Map(dotted path → value); arrays of scalars are one leaf each (name.0).
function leaves(value, prefix = '', out = new Map()) {
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

// wrapList prints names as comma-separated lines of at most ~90 characters.
function wrapList(names, indent = '  ') {
  const lines = [''];
  for (const name of names) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + name.length + 2 > 90) lines.push('');
    lines[lines.length - 1] += (lines[lines.length - 1] ? ', ' : '') + name;
  }
  lines.forEach((line, i) => say(`${indent}${line}${i < lines.length - 1 ? ',' : ''}`));
}

// --- Set-up ------------------------------------------------------------------------------------------------------

// walletPassphrase returns VEIL_WALLET_PASSPHRASE, else the content of VAR-DIR/wallet-passphrase, which the first
// run creates (0600, random) so that later runs unlock the same wallet.
function walletPassphrase(varDir) {
  if (process.env.VEIL_WALLET_PASSPHRASE) return { passphrase: process.env.VEIL_WALLET_PASSPHRASE, from: 'VEIL_WALLET_PASSPHRASE' };
  const file = join(varDir, 'wallet-passphrase');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by others: chmod 600 it (or remove it together with ${join(varDir, 'wallet')})`);
  }
  return { passphrase: readFileSync(file, 'utf8').trim(), from: shown(file) };
}

function explainStartFailure(error, options) {
  const text = String(error.message);
  if (/cannot listen|address_in_use|in use|EADDRINUSE/i.test(text) && options.ports === DEFAULT_PORTS) {
    return `${text}\n(is another Veil demo still running? stop it, or use --ports auto)`;
  }
  if (/wrong_passphrase/.test(text)) {
    return `${text}\n(${join(options.varDir, 'wallet')} was created with another passphrase: set VEIL_WALLET_PASSPHRASE, or remove that directory)`;
  }
  return text;
}

// --- The demo ----------------------------------------------------------------------------------------------------

let veil;
let stopping = false;

// stopAll stops the three services once (SIGTERM each) and says so, naming exit codes unless all were clean.
async function stopAll(why) {
  if (stopping) return;
  stopping = true;
  if (!veil) return;
  const codes = await veil.stop('SIGTERM');
  const clean = Object.values(codes).every((code) => code === 0);
  say(`${why}: stopped issuer, wallet and verifier${clean ? '' : ` (exit codes ${JSON.stringify(codes)})`}`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const binDir = options.binDir ?? findBinDir([process.env.VEIL_BUILD_DIR, join(repo, 'build')]) ??
    process.env.VEIL_BUILD_DIR ?? join(repo, 'build');
  for (const name of ['veil-issuer', 'veil-wallet', 'veil-verifier']) {
    if (!existsSync(join(binDir, name))) usage(`${join(binDir, name)} does not exist: build it first (./run.sh does)`);
  }
  const varDir = resolve(options.varDir);
  privateDir(varDir);
  const { passphrase, from } = walletPassphrase(varDir);

  // Ctrl-C (or SIGTERM) at any moment stops all three services before the demo ends.
  let served = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (stopping) return;
      if (!served) console.error(`\ndemo: interrupted (${signal})`);
      stopAll(served ? '\nCtrl-C' : 'interrupted').then(() => process.exit(served ? 0 : 130));
    });
  }

  say(`Veil demo: three services on loopback, data under ${shown(varDir)}/`);
  try {
    veil = await startVeil({ binDir, varDir, ports: options.ports, passphrase,
      walletConfig: options.kdf ? { kdf: options.kdf } : {} });
  } catch (error) {
    console.error(`demo: a service did not start: ${explainStartFailure(error, options)}`);
    return 1;
  }
  if (stopping) return 130;
  const { issuer, wallet, verifier } = veil;
  step(1, 'started', `veil-issuer    ${issuer.url}   ${shown(issuer.dataDir)}/`);
  more(`veil-wallet    ${wallet.url}   ${shown(wallet.dataDir)}/ (encrypted; passphrase from ${from})`);
  more(`veil-verifier  ${verifier.url}   ${shown(verifier.dataDir)}/ (trusts the issuer above)`);

  const admin = new IssuerAdmin(issuer.url, issuer.adminKey);
  const holder = new WalletApi(wallet.url, wallet.apiToken);
  const aiService = new RelyingParty(verifier.url, verifier.apiKey);

  const offer = await admin.createOffer({ type: 'person', claims: ERIKA });
  step(2, 'issuer', `offers a person credential for ${ERIKA.given_name} ${ERIKA.family_name} (${leaves(ERIKA).size} claims, each` +
    ' selectively disclosable)');
  more(`${offer.offer_uri.slice(0, 80)}...`);

  const accepted = await holder.acceptOffer(offer.offer_uri);
  const credential = accepted.credentials[0];
  const copies = credential.copies_total ?? credential.copies ?? accepted.credentials.length;
  step(3, 'wallet', `accepts it: ${credential.name ?? credential.vct} from ${credential.issuer_name ?? issuer.url}, ${copies} copies`);
  more('(one holder key per copy; each copy verified before it was stored)');

  const asked = await aiService.requestAttributes({
    vct: [PERSON_VCT], claims: ASKED.required, optional_claims: ASKED.optional, trusted_issuers: [issuer.url],
  });
  const askedNames = [...ASKED.required, ...ASKED.optional].map(dotted);
  step(4, 'AI service', `asks the verifier to prove ${askedNames.join(' and ')}; the verifier signs a request:`);
  more(`${asked.link.slice(0, 80)}...`);

  const pending = await holder.submitRequest(asked.link);
  step(5, 'wallet', 'shows the request to the holder:');
  printConsent(pending, credential.id);

  let approvedPaths;
  if (options.interactive) {
    say();
    say('  Your turn: open the wallet in your browser (the link works once):');
    say(`    ${wallet.loginUrl}`);
    say('  Requests shows what the AI service asks; untick the country if you like, then Approve or Decline.');
    say('  (waiting for your answer ...)');
    say();
  } else {
    const shared = await holder.approve(pending.id, { credentialId: credential.id });
    approvedPaths = shared.disclosed.flatMap((d) => d.paths.map(dotted));
    step(6, 'holder', `approves: the wallet sends ${approvedPaths.join(' and ')} to the verifier, signed with the copy's key`);
  }

  const timeoutMs = Math.max(10000, asked.expires_at * 1000 - Date.now() + 2000);
  let result;
  try {
    result = await aiService.waitForResult(asked.id, { timeoutMs, intervalMs: options.interactive ? 250 : 50 });
  } catch (error) {
    if (!error.result) throw error;
    result = { status: 'failed', error: { code: 'no_answer', message: 'nobody answered before the request expired' } };
  }
  if (options.interactive) {
    approvedPaths = await approvedInHistory(holder, pending.verifier.client_id, result);
    step(6, 'holder', approvedPaths.length ? `approved ${approvedPaths.join(' and ')} in the wallet UI`
      : 'answered in the wallet UI: nothing shared');
  }
  const outcome = await report(result, approvedPaths, holder, credential.id, issuer.url);

  if (!options.serve) {
    await stopAll('done');
    return outcome ? 0 : 1;
  }
  served = true;
  say();
  say('Veil is running (Ctrl-C stops all three):');
  say(`  wallet UI   ${wallet.loginUrl}`);
  say(`              (the link works once; after that sign in with the content of ${shown(join(wallet.dataDir, 'api-token'))})`);
  say(`  issuer      ${issuer.url}   admin API ${issuer.url}/admin/offers`);
  say(`              admin key: ${shown(join(issuer.dataDir, 'admin-api-key'))}`);
  say(`  verifier    ${verifier.url}   API ${verifier.url}/v1/presentation-requests`);
  say(`              API key: ${shown(join(verifier.dataDir, 'api-keys.json'))}`);
  // Stay alive until a signal; a service that dies on its own ends the demo with an error.
  return new Promise((done) => {
    for (const service of [issuer, wallet, verifier]) {
      service.exited.then((code) => {
        if (stopping) return;
        console.error(`demo: ${service.name} stopped on its own (exit ${code}):\n${service.output.stderr.trimEnd()}`);
        stopAll('failed').then(() => done(1));
      });
    }
  });
}

function printConsent(pending, credentialId) {
  const who = pending.verifier;
  const id = who.client_id.length > 40 ? `${who.client_id.slice(0, 40)}...` : who.client_id;
  more(`  from      ${who.host} (${id}${who.signed ? ', signed request' : ''})`);
  if (who.prefix_explained) wrapText(who.prefix_explained, ' '.repeat(28));
  more(`  answer to ${who.response_uri}`);
  for (const query of pending.queries) {
    const option = query.options.find((o) => o.credential_id === credentialId) ?? query.options[0];
    if (!option) continue;
    more(`  using     ${option.name} from ${option.issuer_name} (${option.copies_left} of ${option.copies_total} copies unused)`);
    for (const claim of option.claims) {
      more(`  ${(claim.required ? 'required' : 'optional').padEnd(9)} ${claim.label} (${dotted(claim.path)})`);
    }
  }
}

// wrapText prints |text| in lines of at most ~100 characters, each starting with |indent|.
function wrapText(text, indent) {
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + word.length + 1 > 100) {
      say(`${indent}${line}`);
      line = '';
    }
    line += (line ? ' ' : '') + word;
  }
  if (line) say(`${indent}${line}`);
}

// approvedInHistory reads what the holder approved in the web UI from the wallet's history (claim names only).
async function approvedInHistory(holder, clientId, result) {
  if (result.status !== 'verified') return [];
  const { entries } = await holder.history();
  const entry = entries.find((e) => e.verifier === clientId);
  return entry ? entry.claims.map(dotted) : [];
}

// report prints what the AI service received and what stayed hidden, and whether the received attributes are
// exactly the approved ones.
async function report(result, approvedPaths, holder, credentialId, issuerUrl) {
  if (result.status !== 'verified') {
    const code = result.error?.code ?? result.status;
    if (code === 'access_denied' && approvedPaths.length === 0) {
      step(7, 'AI service', 'was told access_denied: the holder declined, nothing was revealed');
      return true;
    }
    step(7, 'AI service', `got no attributes: ${code}${result.error?.message ? ` (${result.error.message})` : ''}`);
    return false;
  }
  const received = new Map();
  let from;
  for (const answer of Object.values(result.credentials)) {
    from = answer;
    for (const [path, value] of leaves(answer.claims)) received.set(path, value);
  }
  step(7, 'AI service', `receives the verifier's answer: verified (trusted issuer's signature, every disclosure,`);
  more(`key binding to this request's nonce, status list: ${from.status})`);

  // Hidden = every claim the credential holds (as the holder's wallet shows it) minus what crossed over.
  const stored = await holder.credential(credentialId);
  const registered = new Set(['iss', 'vct', 'vct#integrity', 'iat', 'exp', 'nbf', 'cnf', 'status', 'sub']);
  const all = leaves(Object.fromEntries(Object.entries(stored.claims ?? {}).filter(([k]) => !registered.has(k))));
  const width = Math.max(...[...received.keys()].map((p) => p.length)) + 2;
  say();
  say(`The AI service received (verified, issuer ${from.iss ?? issuerUrl}):`);
  for (const [path, value] of received) say(`  ${path.padEnd(width)}${JSON.stringify(value)}`);
  const hidden = [...all.keys()].filter((path) => !received.has(path));
  say();
  say(`Stayed hidden on the holder's side (${hidden.length} of ${all.size} claims):`);
  wrapList(hidden);

  const got = [...received.keys()].sort();
  const approved = [...new Set(approvedPaths)].sort();
  const extra = got.filter((p) => !approved.includes(p));
  const missing = approved.filter((p) => !got.includes(p));
  say();
  if (extra.length === 0 && missing.length === 0) {
    const what = approved.length === 1 ? 'approved attribute' : `${approved.length === 2 ? 'two ' : ''}approved attributes`;
    say(`OK: the AI service got exactly the ${what} and nothing else.`);
    return true;
  }
  say(`FAILED: approved ${approved.join(', ') || 'nothing'}; received ${got.join(', ') || 'nothing'}` +
      `${extra.length ? `; not approved but received: ${extra.join(', ')}` : ''}` +
      `${missing.length ? `; approved but missing: ${missing.join(', ')}` : ''}`);
  return false;
}

// An unexpected failure (a service answered with an error) names the call, shows what the services said last and
// stops them cleanly.
main().then((code) => process.exit(code), async (error) => {
  console.error(`demo: ${error.message}`);
  if (veil && !stopping) {
    for (const service of [veil.issuer, veil.wallet, veil.verifier]) {
      const tail = service.output.stderr.trimEnd().split('\n').slice(-5).join('\n');
      if (tail) console.error(`${service.name} (last lines of its stderr):\n${tail}`);
    }
    await stopAll('failed');
  }
  process.exit(1);
});
