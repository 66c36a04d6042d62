// The narrated demo (scripts/demo/demo.mjs, what ./run.sh runs): node demo_test.mjs BIN-DIR CASE
// Each CASE runs the demo (or the services library) with the built programs of BIN-DIR on free loopback ports in a
// fresh temporary var dir, and fails with a message on the first broken expectation.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { startVeil } from '../../scripts/demo/veil_services.mjs';
import { WalletApi } from '../../scripts/demo/veil_clients.mjs';

const [binArg, caseName] = process.argv.slice(2);
const binDir = resolve(binArg ?? '');
const demo = resolve(new URL('../../scripts/demo/demo.mjs', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'veil-demo-'));
const running = new Set();
const env = { ...process.env, VEIL_WALLET_PASSPHRASE: '' };  // the demo's own passphrase file is part of the test

// runDemo starts demo.mjs with |args| and returns { child, output, exited (→ { code, signal, stdout, stderr }) }.
// With detached the demo leads a process group of its own, like a command in a terminal.
function runDemo(args, { detached = false } = {}) {
  const child = spawn(process.execPath, [demo, '--bin-dir', binDir, '--ports', 'auto', '--wallet-kdf', 'minimum', ...args],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached });
  running.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => { output.stdout += chunk; });
  child.stderr.on('data', (chunk) => { output.stderr += chunk; });
  const exited = new Promise((done) => child.on('close', (code, signal) => {
    running.delete(child);
    done({ code, signal, ...output });
  }));
  return { child, output, exited };
}

// servicesUsing lists the pids of running processes whose command line names |path| (the demo's var dir).
function servicesUsing(path) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(path) && /veil-(issuer|wallet|verifier)/.test(cmdline)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

// lineAfter returns the lines of |text| that follow the line starting with |heading|, up to the next blank line.
function section(text, heading) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  assert.ok(start >= 0, `the demo prints "${heading}":\n${text}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function expectRevealedAndHidden(stdout) {
  assert.match(stdout, /^The AI service received \(verified, issuer http:\/\/127\.0\.0\.1:\d+\):$/m);
  const revealed = section(stdout, 'The AI service received');
  assert.deepEqual(revealed.map((l) => l.trim().split(/\s+/)), [['address.country', '"DE"'], ['age_over_18', 'true']]);
  assert.match(stdout, /^Stayed hidden on the holder's side \(14 of 16 claims\):$/m);
  const hidden = section(stdout, "Stayed hidden on the holder's side").join(' ').split(',').map((p) => p.trim())
    .filter(Boolean);
  assert.equal(hidden.length, 14, `hidden: ${hidden}`);
  for (const claim of ['given_name', 'family_name', 'birthdate', 'email', 'address.street_address', 'age_over_21',
    'nationalities.0', 'nationalities.1']) {
    assert.ok(hidden.includes(claim), `${claim} stays hidden: ${hidden}`);
  }
  assert.ok(!hidden.includes('age_over_18') && !hidden.includes('address.country'), `hidden: ${hidden}`);
  assert.match(stdout, /^OK: the AI service got exactly the two approved attributes and nothing else\.$/m);
  assert.match(stdout, /required {2}Over 18 \(age_over_18\)/);
  assert.match(stdout, /optional {2}Country \(address\.country\)/);
}

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

const cases = {
  async 'demo --no-serve reveals exactly age_over_18 and address.country, and a second run on the same var dir works'() {
    const varDir = join(dir, 'var');
    for (const run of ['first', 'second']) {
      const result = await runDemo(['--no-serve', '--var-dir', varDir]).exited;
      assert.equal(result.code, 0, `${run} run exits 0:\n${result.stdout}\n${result.stderr}`);
      expectRevealedAndHidden(result.stdout);
      assert.match(result.stdout, /^done: stopped issuer, wallet and verifier$/m);
      assert.deepEqual(servicesUsing(varDir), [], `${run} run leaves no service running`);
    }
    const passphraseMode = (await import('node:fs')).statSync(join(varDir, 'wallet-passphrase')).mode & 0o777;
    assert.equal(passphraseMode, 0o600);
  },

  async 'demo serves until Ctrl-C with its URLs printed, then stops all three with exit 0 and no process left'() {
    const varDir = join(dir, 'var');
    const run = runDemo(['--var-dir', varDir], { detached: true });
    await new Promise((done, fail) => {
      const check = () => { if (/Ctrl-C stops all three[\s\S]*API key: /.test(run.output.stdout)) done(); };
      run.child.stdout.on('data', check);
      run.exited.then((r) => fail(new Error(`the demo ended before serving (${r.code}):\n${r.stdout}\n${r.stderr}`)));
    });
    const { stdout } = run.output;
    expectRevealedAndHidden(stdout);
    const wallet = stdout.match(/^ {2}wallet UI {3}(http:\/\/127\.0\.0\.1:\d+)\/#login=[A-Za-z0-9_-]+$/m);
    const issuer = stdout.match(/^ {2}issuer {6}(http:\/\/127\.0\.0\.1:\d+) {3}admin API \1\/admin\/offers$/m);
    const verifier = stdout.match(/^ {2}verifier {4}(http:\/\/127\.0\.0\.1:\d+) {3}API \1\/v1\/presentation-requests$/m);
    assert.ok(wallet && issuer && verifier, `the three URLs are printed:\n${stdout}`);
    assert.match(stdout, /admin key: .*var\/issuer\/admin-api-key$/m);
    assert.match(stdout, /API key: .*var\/verifier\/api-keys\.json$/m);
    // The printed URLs answer.
    assert.equal((await fetch(`${wallet[1]}/`)).status, 200);
    assert.equal((await fetch(`${issuer[1]}/.well-known/openid-credential-issuer`)).status, 200);
    assert.deepEqual(await (await fetch(`${verifier[1]}/health`)).json(), { status: 'ok' });
    assert.equal(servicesUsing(varDir).length, 3, 'three services run while the demo serves');

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-run.child.pid, 'SIGINT');
    const result = await run.exited;
    assert.equal(result.code, 0, `SIGINT ends the demo with exit 0:\n${result.stderr}`);
    // Each service got exactly one stop signal and ended cleanly (else the line lists exit codes).
    assert.match(result.stdout, /stopped issuer, wallet and verifier\n$/);
    assert.deepEqual(servicesUsing(varDir), [], 'no veil-* process is left');
  },

  async 'demo --interactive waits for the holder in the wallet UI: unticking the country reveals only age_over_18'() {
    const run = runDemo(['--interactive', '--no-serve', '--var-dir', join(dir, 'var')]);
    // Act as the holder's browser: redeem the printed one-time login code, then answer the pending request.
    const login = await new Promise((done, fail) => {
      const check = () => {
        const match = run.output.stdout.match(/^ {4}(http:\/\/127\.0\.0\.1:\d+)\/#login=([A-Za-z0-9_-]+)$/m);
        if (match && run.output.stdout.includes('waiting for your answer')) done(match);
      };
      run.child.stdout.on('data', check);
      run.exited.then((r) => fail(new Error(`the demo ended before waiting (${r.code}):\n${r.stdout}\n${r.stderr}`)));
    });
    const { session } = await new WalletApi(login[1]).openSession(login[2]);
    const browser = new WalletApi(login[1], session);
    const { requests } = await browser.pendingRequests();
    assert.equal(requests.length, 1);
    await browser.approve(requests[0].id, { claims: [] });
    const result = await run.exited;
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^ {2}6\. holder {5}approved age_over_18 in the wallet UI$/m);
    assert.deepEqual(section(result.stdout, 'The AI service received').map((l) => l.trim().split(/\s+/)),
      [['age_over_18', 'true']]);
    assert.match(result.stdout, /^Stayed hidden on the holder's side \(15 of 16 claims\):$/m);
    assert.match(result.stdout, /^OK: the AI service got exactly the approved attribute and nothing else\.$/m);
  },

  async 'a service that cannot start fails startVeil with its stderr and leaves no process behind'() {
    const varDir = join(dir, 'var');
    const taken = await freePort();
    try {
      await assert.rejects(
        startVeil({ binDir, varDir, ports: { verifier: taken.address().port }, passphrase: 'a demo passphrase',
          walletConfig: { kdf: 'minimum' } }),
        (error) => /^veil-verifier: exited with 1 before listening\n.*veil-verifier serve: /s.test(error.message));
    } finally {
      await new Promise((done) => taken.close(done));
    }
    assert.deepEqual(servicesUsing(varDir), [], 'the issuer started first is stopped again');
  },

  async 'demo refuses an unknown option with exit 2'() {
    const result = await runDemo(['--bogus']).exited;
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^demo: unknown option --bogus/);
    assert.deepEqual(servicesUsing(dir), []);
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
