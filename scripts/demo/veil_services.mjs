// Starts Veil's three services (veil-issuer, veil-wallet, veil-verifier `serve`) as separate processes on loopback,
// for the demo (scripts/demo/demo.mjs) and the end-to-end and browser tests.
//
//   import { startVeil } from './veil_services.mjs';
//   const veil = await startVeil({ binDir: 'build', varDir: 'var', passphrase: '...' });
//   ... veil.issuer.url, veil.issuer.adminKey, veil.wallet.url, veil.wallet.apiToken, veil.wallet.loginUrl,
//       veil.verifier.url, veil.verifier.apiKey ...
//   await veil.stop();
//
// A Service is { name, url, port, dataDir, process, output: { stdout, stderr } (recent), exited (→ exit code),
// stop(signal), restart() } plus its secret (adminKey, apiToken and loginUrl, apiKey). Each service prints
// "listening on http://HOST:PORT" once it accepts connections; a start resolves then, or rejects with the program's
// stderr when it exits first (or has not announced itself within timeoutMs, default 30 s). Each service runs in a
// process group of its own (a terminal's Ctrl-C reaches only node, which stops them); every child is killed when
// this node process exits or is ended by a signal nobody else handles, so a failed test or demo leaves no veil-*
// process behind.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LISTENING = /^listening on (http:\/\/(?:\[[0-9a-fA-F:]+\]|[^\s:/]+):(\d+))$/m;
const LOGIN = /^open (http:\/\/\S+\/#login=[A-Za-z0-9_-]+) /m;
const DEFAULT_START_TIMEOUT_MS = 30000;
const MAX_KEPT_OUTPUT = 1 << 20;

// --- Children are never orphaned ---------------------------------------------------------------------------------

const running = new Set();
let guarded = false;

// guardChildren installs, once, the handlers that kill every running child when node exits: on 'exit' (normal end,
// process.exit, an uncaught exception) and on SIGINT/SIGTERM/SIGHUP when no other listener handles the signal
// (then the signal is raised again so the process ends as it would have without this module).
function guardChildren() {
  if (guarded) return;
  guarded = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;  // the program handles it (and stops its services itself)
      for (const child of running) child.kill('SIGKILL');
      running.clear();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// --- Files -------------------------------------------------------------------------------------------------------

// privateDir creates |dir| (and its parents) and restricts it to its owner, as the services do with their data dirs.
export function privateDir(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

// writeJson writes |value| as pretty JSON to |file| with mode |mode| (default 0600: configs may name secrets).
export function writeJson(file, value, mode = 0o600) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode });
  chmodSync(file, mode);
  return file;
}

function readSecret(file) {
  return readFileSync(file, 'utf8').trim();
}

// --- One service -------------------------------------------------------------------------------------------------

// launch spawns `bin serve ...args` and resolves with { child, output, exited, url, port } once it announced its
// listening line, or rejects with an Error carrying .stderr and .code when it exits or stalls before that.
function launch(name, bin, args, { env, cwd, timeoutMs = DEFAULT_START_TIMEOUT_MS, waitFor } = {}) {
  guardChildren();
  return new Promise((resolvePromise, reject) => {
    let child;
    try {
      // detached: a process group of its own, so that a terminal's Ctrl-C reaches only node, which then stops each
      // service with exactly one signal (a service takes a second signal during its shutdown as a hard kill).
      child = spawn(bin, ['serve', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      reject(new Error(`${name}: cannot start ${bin}: ${error.message}`));
      return;
    }
    running.add(child);
    const output = { stdout: '', stderr: '' };
    let settled = false;
    const exited = new Promise((done) => child.on('close', (code, signal) => {
      running.delete(child);
      done(code ?? (signal ? 128 + signalNumber(signal) : 1));
    }));
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const error = new Error(`${name}: ${message}${output.stderr ? `\n${output.stderr.trimEnd()}` : ''}`);
      error.stderr = output.stderr;
      reject(error);
    };
    const check = () => {
      if (settled) return;
      const match = output.stdout.match(LISTENING);
      if (!match || (waitFor && !waitFor.test(output.stdout))) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({ child, output, exited, url: match[1], port: Number(match[2]) });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`did not print its listening line within ${timeoutMs} ms`);
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // A long-running service logs every request: keep only the recent output (the start lines stay in the fields).
    const append = (key, chunk) => {
      output[key] += chunk;
      if (output[key].length > MAX_KEPT_OUTPUT) output[key] = output[key].slice(-MAX_KEPT_OUTPUT / 2);
    };
    child.stdout.on('data', (chunk) => { append('stdout', chunk); check(); });
    child.stderr.on('data', (chunk) => append('stderr', chunk));
    child.on('error', (error) => fail(`cannot start ${bin}: ${error.message}`));
    exited.then((code) => fail(`exited with ${code} before listening`));
  });
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 0;
}

// makeService runs |starter(port)| (which launches the program and returns its extra fields) and returns the
// Service object; restart() stops it and starts it again on the same port and data dir, refreshing the fields.
async function makeService(name, dataDir, port, starter) {
  const service = { name, dataDir };
  const begin = async (onPort) => {
    const { launched, fields } = await starter(onPort);
    Object.assign(service, fields, {
      url: launched.url,
      port: launched.port,
      process: launched.child,
      output: launched.output,
      exited: launched.exited,
    });
  };
  /** stop(signal = 'SIGTERM') ends the service and resolves with its exit code (0 after a clean SIGTERM/SIGINT). */
  service.stop = async (signal = 'SIGTERM') => {
    if (service.process.exitCode === null && service.process.signalCode === null) service.process.kill(signal);
    return service.exited;
  };
  /** restart() stops the service (SIGTERM) and starts it again with the same data dir and port; resolves with it. */
  service.restart = async () => {
    await service.stop();
    await begin(service.port);
    return service;
  };
  await begin(port);
  return service;
}

function childEnv(extra = {}, drop = []) {
  const env = { ...process.env, ...extra };
  for (const key of drop) delete env[key];
  return env;
}

/**
 * startIssuer starts `veil-issuer serve` on 127.0.0.1 and resolves with a Service plus adminKey (the content of
 * DATA-DIR/admin-api-key). config, when given, is written to DATA-DIR/config.json and passed with --config.
 */
export async function startIssuer({ bin, dataDir, port = 0, config, extraArgs = [], timeoutMs } = {}) {
  dataDir = resolve(privateDir(dataDir));
  if (config) writeJson(join(dataDir, 'config.json'), config);
  return makeService('veil-issuer', dataDir, port, async (onPort) => {
    const args = ['--host', '127.0.0.1', '--port', String(onPort), '--data-dir', dataDir];
    if (config) args.push('--config', join(dataDir, 'config.json'));
    const launched = await launch('veil-issuer', bin, [...args, ...extraArgs], { env: childEnv(), cwd: dataDir, timeoutMs });
    return { launched, fields: { adminKey: readSecret(join(dataDir, 'admin-api-key')) } };
  });
}

/**
 * startWallet starts `veil-wallet serve` on 127.0.0.1 and resolves with a Service plus apiToken (DATA-DIR/api-token)
 * and loginUrl (the one-time UI link it printed; a restart prints a new one). With passphrase the wallet starts
 * unlocked (a new data dir is initialised with it); without, it starts locked. config (default
 * { allow_loopback_http: true }) is written to DATA-DIR/config.json.
 */
export async function startWallet({ bin, dataDir, port = 0, passphrase, config = { allow_loopback_http: true },
  extraArgs = [], timeoutMs } = {}) {
  dataDir = resolve(privateDir(dataDir));
  writeJson(join(dataDir, 'config.json'), config);
  return makeService('veil-wallet', dataDir, port, async (onPort) => {
    const args = ['--host', '127.0.0.1', '--port', String(onPort), '--data-dir', dataDir,
      '--config', join(dataDir, 'config.json')];
    // The passphrase goes through the environment (never argv, which other users can read in ps).
    const env = passphrase === undefined ? childEnv({}, ['VEIL_WALLET_PASSPHRASE'])
      : childEnv({ VEIL_WALLET_PASSPHRASE: passphrase });
    const launched = await launch('veil-wallet', bin, [...args, ...extraArgs], { env, cwd: dataDir, timeoutMs, waitFor: LOGIN });
    return {
      launched,
      fields: {
        apiToken: readSecret(join(dataDir, 'api-token')),
        loginUrl: launched.output.stdout.match(LOGIN)[1],
      },
    };
  });
}

/**
 * startVerifier starts `veil-verifier serve` on 127.0.0.1 and resolves with a Service plus apiKey (the first relying
 * party's key in DATA-DIR/api-keys.json). trust ({"issuers": [...]}) is written to DATA-DIR/trust.json before every
 * start; config to DATA-DIR/config.json (add allow_loopback_http: true for an http://127.0.0.1 issuer).
 */
export async function startVerifier({ bin, dataDir, port = 0, config, trust, extraArgs = [], timeoutMs } = {}) {
  dataDir = resolve(privateDir(dataDir));
  if (config) writeJson(join(dataDir, 'config.json'), config);
  if (trust) writeJson(join(dataDir, 'trust.json'), trust, 0o644);
  return makeService('veil-verifier', dataDir, port, async (onPort) => {
    const args = ['--host', '127.0.0.1', '--port', String(onPort), '--data-dir', dataDir];
    if (config) args.push('--config', join(dataDir, 'config.json'));
    const launched = await launch('veil-verifier', bin, [...args, ...extraArgs], { env: childEnv(), cwd: dataDir, timeoutMs });
    const keys = JSON.parse(readFileSync(join(dataDir, 'api-keys.json'), 'utf8'));
    return { launched, fields: { apiKey: keys.relying_parties[0].api_key } };
  });
}

/**
 * startVeil starts issuer, wallet and verifier wired together and resolves with { issuer, wallet, verifier, stop() }:
 * data under varDir/{issuer,wallet,verifier}; the verifier trusts the issuer (its keys resolved from the issuer's
 * metadata over loopback http); the wallet may fetch loopback http issuers and verifiers. ports: { issuer, wallet,
 * verifier } (0 or missing: a free port). issuerConfig, walletConfig and verifierConfig are merged into the
 * defaults. If one start fails, the ones already running are stopped and the promise rejects with that error.
 * stop() stops all three (SIGTERM) and resolves with their exit codes { issuer, wallet, verifier }.
 */
export async function startVeil({ binDir, varDir, ports = {}, passphrase, issuerConfig, walletConfig, verifierConfig,
  timeoutMs } = {}) {
  const bin = (name) => join(resolve(binDir), name);
  const started = [];
  try {
    const issuer = await startIssuer({ bin: bin('veil-issuer'), dataDir: join(varDir, 'issuer'), port: ports.issuer ?? 0,
      config: issuerConfig, timeoutMs });
    started.push(issuer);
    const verifier = await startVerifier({
      bin: bin('veil-verifier'), dataDir: join(varDir, 'verifier'), port: ports.verifier ?? 0, timeoutMs,
      config: { allow_loopback_http: true, ...verifierConfig },
      trust: { issuers: [{ iss: issuer.url, resolve: 'metadata' }] },
    });
    started.push(verifier);
    const wallet = await startWallet({
      bin: bin('veil-wallet'), dataDir: join(varDir, 'wallet'), port: ports.wallet ?? 0, passphrase, timeoutMs,
      config: { allow_loopback_http: true, ...walletConfig },
    });
    started.push(wallet);
    return {
      issuer, wallet, verifier,
      async stop(signal = 'SIGTERM') {
        const [w, v, i] = await Promise.all([wallet.stop(signal), verifier.stop(signal), issuer.stop(signal)]);
        return { issuer: i, wallet: w, verifier: v };
      },
    };
  } catch (error) {
    await Promise.all(started.map((service) => service.stop()));
    throw error;
  }
}

/** findBinDir returns the first of |candidates| holding all three programs, or undefined. */
export function findBinDir(candidates) {
  return candidates.find((dir) => dir && ['veil-issuer', 'veil-wallet', 'veil-verifier']
    .every((name) => existsSync(join(dir, name))));
}
