// Disk full and read-only storage (issue 7 "Faults"): node storage_faults.mjs issuer|wallet|verifier
// Environment: VEIL_ISSUER_BIN, VEIL_WALLET_BIN, VEIL_VERIFIER_BIN.
//
// Each service must report these as clear errors, never crash or hang:
//   - disk full while serving: a write answers 5xx with an error code, reads and health still answer, and
//     writes work again once there is space;
//   - disk full at start (new and existing data directory): exit 1 with one line on stderr, or (existing data)
//     serve with writes refused as above;
//   - read-only database while serving: as disk full;
//   - read-only data directory at start: exit 1 with one line, or serve with writes refused.
// As root with mount(2) (the normal case in CI containers) the data directory is a small tmpfs filled by a filler
// file, read-only is a read-only bind mount (start) or `chattr +i` on the database and its WAL (while serving:
// root ignores file modes). Without them the fallbacks are RLIMIT_FSIZE (prlimit, SIGXFSZ ignored) for disk full
// and file modes for read-only at start; read-only while serving is then skipped. The run prints which.
import { spawnSync } from 'node:child_process';
import {
  chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  AGE_CLAIMS, PASSPHRASE, adminKey, call, cleanUp, createOffer, issuerConfig, run, start, tempDir,
} from './support.mjs';

const service = process.argv[2];
const bins = { issuer: process.env.VEIL_ISSUER_BIN, wallet: process.env.VEIL_WALLET_BIN, verifier: process.env.VEIL_VERIFIER_BIN };
const report = [];
const mounts = [];

function sh(command, args) {
  return spawnSync(command, args, { encoding: 'utf8' });
}

// canMount: root with CAP_SYS_ADMIN (tmpfs and bind mounts work), checked by trying.
function canMount(dir) {
  if (process.getuid() !== 0) return false;
  const probe = join(dir, 'probe');
  mkdirSync(probe);
  const ok = sh('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (ok) sh('umount', [probe]);
  return ok;
}

function mountTmpfs(path, size) {
  mkdirSync(path, { recursive: true });
  const r = sh('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', path]);
  assert.equal(r.status, 0, `mount tmpfs: ${r.stderr}`);
  mounts.push(path);
}

function mountReadOnly(source, target) {
  mkdirSync(target, { recursive: true });
  let r = sh('mount', ['--bind', source, target]);
  assert.equal(r.status, 0, `bind mount: ${r.stderr}`);
  mounts.push(target);
  r = sh('mount', ['-o', 'remount,bind,ro', target]);
  assert.equal(r.status, 0, `remount ro: ${r.stderr}`);
}

// fill writes a filler file until the file system is full (ENOSPC).
function fill(dir) {
  sh('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=16k']);
  const free = sh('df', ['--output=avail', dir]).stdout.trim().split('\n').pop().trim();
  assert.equal(free, '0', `the file system at ${dir} is full`);
}
const unfill = (dir) => rmSync(join(dir, 'filler'), { force: true });

// immutableBlocksOpenFiles: does chattr +i stop writes through a descriptor opened before (ext4: EPERM)?
function immutableBlocksOpenFiles(dir) {
  const probe = join(dir, 'immutable-probe');
  const fd = openSync(probe, 'w');
  try {
    if (sh('chattr', ['+i', probe]).status !== 0) return false;
    try {
      writeSync(fd, 'x');
      return false;
    } catch {
      return true;
    } finally {
      sh('chattr', ['-i', probe]);
    }
  } finally {
    closeSync(fd);
  }
}

function setImmutable(files, on) {
  for (const file of files) {
    if (!existsSync(file)) continue;
    const r = sh('chattr', [on ? '+i' : '-i', file]);
    assert.equal(r.status, 0, `chattr ${file}: ${r.stderr}`);
  }
}

// ---- what each service writes and reads ------------------------------------------------------------------------

// A profile per service: how to start it on a data directory (with the full-disk fallback wrapper), its database,
// one write that must be refused on broken storage and work otherwise, and one read that must keep answering.
async function profile(dir) {
  if (service === 'issuer') {
    const config = issuerConfig(dir);
    return {
      database: 'issuer.db',
      args: (dataDir) => ['--port', '0', '--data-dir', dataDir, '--config', config],
      env: {},
      write: async (server, dataDir) => {
        const r = await createOffer(server.base, adminKey(dataDir));
        return { ok: r.status === 201, ...r };
      },
      read: (server) => call(`${server.base}/.well-known/openid-credential-issuer`),
    };
  }
  if (service === 'verifier') {
    const config = join(dir, 'verifier.json');
    writeFileSync(config, JSON.stringify({ rate_limit: { per_second: 1000000, burst: 1000000 } }));
    return {
      database: 'verifier.db',
      args: (dataDir) => ['--port', '0', '--data-dir', dataDir, '--config', config],
      env: {},
      write: async (server, dataDir) => {
        const key = JSON.parse(readFileSync(join(dataDir, 'api-keys.json'), 'utf8')).relying_parties[0].api_key;
        const r = await call(`${server.base}/v1/presentation-requests`, { method: 'POST', bearer: key,
          json: { vct: ['urn:veil:credential:age'], claims: [['age_over_18']] } });
        return { ok: r.status === 201, ...r };
      },
      read: (server) => call(`${server.base}/health`),
    };
  }
  // The wallet stores what a real issuer (on healthy storage) issues.
  const issuerDir = join(dir, 'issuer');
  const issuer = await start(bins.issuer, ['--port', '0', '--data-dir', issuerDir, '--config', issuerConfig(dir, { batch_size: 2 })]);
  const config = join(dir, 'wallet.json');
  writeFileSync(config, JSON.stringify({ allow_loopback_http: true, kdf: 'minimum' }));
  const token = (dataDir) => readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  return {
    database: 'wallet.db',
    args: (dataDir) => ['--port', '0', '--data-dir', dataDir, '--config', config],
    env: { VEIL_WALLET_PASSPHRASE: PASSPHRASE },
    write: async (server, dataDir) => {
      const offer = await createOffer(issuer.base, adminKey(issuerDir), 'age', AGE_CLAIMS);
      const inspected = await call(`${server.base}/api/offers`, { method: 'POST', bearer: token(dataDir), json: { offer: offer.body.offer_uri } });
      if (inspected.status !== 201) return { ok: false, ...inspected };
      const r = await call(`${server.base}/api/offers/${inspected.body.id}/accept`, { method: 'POST', bearer: token(dataDir), json: {} });
      return { ok: r.status === 201, ...r };
    },
    read: async (server, dataDir) => call(`${server.base}/api/status`, { bearer: token(dataDir) }),
    stop: async () => { issuer.child.kill('SIGTERM'); await issuer.exited; },
  };
}

// ---- assertions -------------------------------------------------------------------------------------------------

function expectRefusedWrite(r, what) {
  assert.ok(!r.ok, `${what}: the write was refused`);
  assert.ok(r.status >= 500 && r.status <= 599, `${what}: 5xx, got ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(typeof r.body, 'object', `${what}: a JSON error body, got ${r.body}`);
  assert.equal(typeof r.body.error, 'string', `${what}: an error code, got ${JSON.stringify(r.body)}`);
  return `${r.status} ${JSON.stringify(r.body)}`;
}

async function expectServing(server, p, dataDir, what) {
  const read = await p.read(server, dataDir);
  assert.equal(read.status, 200, `${what}: reads still answer`);
  assert.equal(server.child.exitCode, null, `${what}: still running`);
}

async function stop(server, what) {
  server.child.kill('SIGTERM');
  const { code, signal, stderr } = await server.exited;
  assert.equal(signal, null, `${what}: no crash (${signal}): ${stderr}`);
  assert.equal(code, 0, `${what}: SIGTERM stops it with exit 0: ${stderr}`);
}

// startOrRefuse starts the service on broken storage: either it exits 1 with one stderr line (returned as
// {refused}), or it serves (returned as {server}). A crash or no answer in 20 s fails.
async function startOrRefuse(p, dataDir, what, wrap = (bin, args) => [bin, args]) {
  const [bin, args] = wrap(bins[service], ['serve', ...p.args(dataDir)]);
  const attempt = start(bin, args, { env: p.env, command: [] });
  const outcome = await Promise.race([
    attempt.then((server) => ({ server }), (e) => ({ error: e })),
    new Promise((resolve) => setTimeout(() => resolve({ hang: true }), 20000)),
  ]);
  assert.ok(!outcome.hang, `${what}: no hang at start`);
  if (outcome.server) return outcome;
  const message = String(outcome.error.message);
  const exit = message.match(/serve exited \((\w+)\) before listening: ([\s\S]*)$/);
  assert.ok(exit, `${what}: ${message}`);
  assert.equal(exit[1], '1', `${what}: exit 1, not a crash: ${message}`);
  const lines = exit[2].trim().split('\n');
  assert.equal(lines.length, 1, `${what}: one line on stderr: ${exit[2]}`);
  assert.match(lines[0], new RegExp(`^veil-${service} serve: (storage_error|io_error): `), `${what}: names the error`);
  return { refused: lines[0] };
}

// ---- the scenarios ----------------------------------------------------------------------------------------------

async function withRoot(dir, p) {
  // 1. Disk full while serving, then space again.
  const disk = join(dir, 'disk');
  mountTmpfs(disk, '4m');
  const dataDir = join(disk, 'data');
  const server = await start(bins[service], p.args(dataDir), { env: p.env });
  assert.ok((await p.write(server, dataDir)).ok, 'a write works before the disk fills');
  fill(disk);
  const refused = [];
  for (let i = 0; i < 3; i++) refused.push(expectRefusedWrite(await p.write(server, dataDir), 'disk full while serving'));
  await expectServing(server, p, dataDir, 'disk full while serving');
  report.push(`disk full while serving (tmpfs + filler): ${refused[0]}; reads answer`);
  unfill(disk);
  const again = await p.write(server, dataDir);
  assert.ok(again.ok, `writes work again once there is space: ${again.status} ${JSON.stringify(again.body)}`);
  report.push('space freed: writes work again without a restart');

  await stop(server, 'after a full disk');

  // 2. Read-only database while serving: chattr +i on the database and its WAL, on the temporary directory's own
  // file system (tmpfs lets open descriptors write to an immutable file; ext4 does not).
  if (immutableBlocksOpenFiles(dir)) {
    const ownDir = join(dir, 'data');
    const writable = await start(bins[service], p.args(ownDir), { env: p.env });
    assert.ok((await p.write(writable, ownDir)).ok, 'a write works before the database turns read-only');
    const files = [p.database, `${p.database}-wal`].map((f) => join(ownDir, f));
    let refused;
    setImmutable(files, true);
    try {
      refused = expectRefusedWrite(await p.write(writable, ownDir), 'read-only database while serving');
      await expectServing(writable, p, ownDir, 'read-only database while serving');
    } finally {
      setImmutable(files, false);
    }
    report.push(`read-only database while serving (chattr +i): ${refused}; reads answer`);
    const after = await p.write(writable, ownDir);
    assert.ok(after.ok, `writes work again once the database is writable: ${after.status} ${JSON.stringify(after.body)}`);
    report.push('database writable again: writes work without a restart');
    await stop(writable, 'after a read-only database');
  } else {
    report.push('read-only database while serving: skipped (this file system lets open files write past chattr +i)');
  }

  // 3. Disk full at start: an existing data directory, then a new one.
  fill(disk);
  let outcome = await startOrRefuse(p, dataDir, 'existing data on a full disk');
  if (outcome.server) {
    expectRefusedWrite(await p.write(outcome.server, dataDir), 'existing data on a full disk');
    await expectServing(outcome.server, p, dataDir, 'existing data on a full disk');
    await stop(outcome.server, 'existing data on a full disk');
    report.push('start with existing data on a full disk: serves, writes refused with 5xx');
  } else {
    report.push(`start with existing data on a full disk: exit 1, "${outcome.refused}"`);
  }
  outcome = await startOrRefuse(p, join(disk, 'new'), 'new data directory on a full disk');
  assert.ok(outcome.refused, 'a new data directory on a full disk cannot start');
  report.push(`start with a new data directory on a full disk: exit 1, "${outcome.refused}"`);
  unfill(disk);

  // 4. Read-only data directory at start (read-only bind mount of the existing data).
  const readOnly = join(dir, 'ro');
  mountReadOnly(disk, readOnly);
  outcome = await startOrRefuse(p, join(readOnly, 'data'), 'read-only data directory');
  if (outcome.server) {
    expectRefusedWrite(await p.write(outcome.server, join(readOnly, 'data')), 'read-only data directory');
    await stop(outcome.server, 'read-only data directory');
    report.push('start on a read-only data directory: serves, writes refused with 5xx');
  } else {
    report.push(`start on a read-only data directory (ro bind mount): exit 1, "${outcome.refused}"`);
  }
}

async function withoutRoot(dir, p) {
  // Disk full: RLIMIT_FSIZE set on the running service (SIGXFSZ ignored, so a write fails with EFBIG instead).
  const dataDir = join(dir, 'data');
  const wrap = (bin, args) => ['/bin/sh', ['-c', 'trap "" XFSZ; exec "$0" "$@"', bin, ...args]];
  const [bin, args] = wrap(bins[service], ['serve', ...p.args(dataDir)]);
  const server = await start(bin, args, { env: p.env, command: [] });
  assert.ok((await p.write(server, dataDir)).ok, 'a write works before the limit');
  const size = statSync(join(dataDir, `${p.database}-wal`)).size;
  const limit = sh('prlimit', ['--pid', String(server.child.pid), `--fsize=${Math.max(size, 1)}:`]);  // the soft limit only: a non-root user cannot raise a hard one back
  assert.equal(limit.status, 0, `prlimit: ${limit.stderr}`);
  const refused = [];
  for (let i = 0; i < 3; i++) refused.push(expectRefusedWrite(await p.write(server, dataDir), 'file size limit while serving'));
  await expectServing(server, p, dataDir, 'file size limit while serving');
  report.push(`disk full while serving (fallback RLIMIT_FSIZE): ${refused[0]}; reads answer`);
  const lifted = sh('prlimit', ['--pid', String(server.child.pid), '--fsize=unlimited:']);
  assert.equal(lifted.status, 0, `prlimit: ${lifted.stderr}`);
  assert.ok((await p.write(server, dataDir)).ok, 'writes work again without the limit');
  await stop(server, 'after the file size limit');
  // Read-only at start: file modes (they bind a non-root user).
  chmodSync(join(dataDir, p.database), 0o400);
  chmodSync(dataDir, 0o500);
  try {
    const outcome = await startOrRefuse(p, dataDir, 'read-only data directory');
    if (outcome.server) {
      expectRefusedWrite(await p.write(outcome.server, dataDir), 'read-only data directory');
      await stop(outcome.server, 'read-only data directory');
      report.push('start on a read-only data directory (fallback: file modes): serves, writes refused with 5xx');
    } else {
      report.push(`start on a read-only data directory (fallback: file modes): exit 1, "${outcome.refused}"`);
    }
  } finally {
    chmodSync(dataDir, 0o700);
  }
  report.push('read-only database while serving: skipped (needs root for chattr +i)');
}

if (!bins[service]) {
  console.error('usage: node storage_faults.mjs issuer|wallet|verifier (with VEIL_<SERVICE>_BIN set)');
  process.exit(2);
}
const dir = tempDir();
let p;
try {
  p = await profile(dir);
  if (canMount(dir)) await withRoot(dir, p);
  else await withoutRoot(dir, p);
  console.log(`veil-${service} storage faults:\n  ${report.join('\n  ')}`);
} catch (e) {
  console.error(`FAILED (veil-${service} storage faults): ${e.stack ?? e}\nso far:\n  ${report.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  if (p?.stop) await p.stop();
  for (const m of mounts.reverse()) sh('umount', ['-l', m]);
  cleanUp();
}
