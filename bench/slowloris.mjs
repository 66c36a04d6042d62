#!/usr/bin/env node
// Slowloris check (ATTACKS.md H4) against a Veil service on loopback: many connections trickle request-head
// bytes and never finish their heads (each reconnects when the server closes it, so the pressure stays), while
// a legitimate request on a fresh connection is made every 250 ms; each must be answered with the expected status
// within the bound. Prints one line
//   slowloris connections=N reconnects=R closed_by_server=C legit=L ok=K late=T failed=F p50_ms=.. max_ms=..
// and exits 1 if any legitimate request failed or took longer than the bound.
//   node bench/slowloris.mjs --url http://127.0.0.1:PORT [--path /health] [--header 'Name: value']...
//        [--connections 300] [--seconds 10] [--interval-ms 1000] [--bound-ms 2000] [--expect 200]
import net from 'node:net';
import http from 'node:http';

const options = {
  url: '', path: '/', headers: {}, connections: 300, seconds: 10, intervalMs: 1000, boundMs: 2000, expect: 200,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [flag, value] = [argv[i], argv[i + 1]];
  if (value === undefined) usage(`${flag} needs a value`);
  if (flag === '--url') options.url = value;
  else if (flag === '--path') options.path = value;
  else if (flag === '--header') {
    const colon = value.indexOf(':');
    if (colon <= 0) usage(`bad header ${value}`);
    options.headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  } else if (flag === '--connections') options.connections = Number(value);
  else if (flag === '--seconds') options.seconds = Number(value);
  else if (flag === '--interval-ms') options.intervalMs = Number(value);
  else if (flag === '--bound-ms') options.boundMs = Number(value);
  else if (flag === '--expect') options.expect = Number(value);
  else usage(`unknown option ${flag}`);
}
if (!options.url) usage('--url is required');
const target = new URL(options.url);
if (!['127.0.0.1', '[::1]', 'localhost'].includes(target.hostname)) usage('loopback targets only');
const port = Number(target.port);

function usage(message) {
  console.error(`slowloris.mjs: ${message}`);
  process.exit(2);
}

const stats = { reconnects: 0, closedByServer: 0, legit: 0, ok: 0, late: 0, failed: 0, latencies: [] };
let running = true;
const sockets = new Set();

// One slow client: the request line and Host header at once, then one header byte per interval, forever.
function slowClient(first) {
  if (!running) return;
  if (!first) stats.reconnects++;
  const socket = net.connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port });
  let timer = null;
  sockets.add(socket);
  socket.setNoDelay(true);
  socket.on('connect', () => {
    socket.write(`GET ${options.path} HTTP/1.1\r\nHost: ${target.host}\r\nX-Slow: `);
    // Spread the trickling over the interval so the server sees a steady stream, not bursts.
    const phase = Math.floor(Math.random() * options.intervalMs);
    timer = setTimeout(function tick() {
      if (!socket.destroyed) socket.write('a');
      timer = setTimeout(tick, options.intervalMs);
    }, phase);
  });
  socket.on('data', () => {});  // a 408 answer; the close follows
  socket.on('error', () => {});
  socket.on('close', () => {
    clearTimeout(timer);
    sockets.delete(socket);
    if (running) {
      stats.closedByServer++;
      setTimeout(() => slowClient(false), 10);
    }
  });
}

function legitimateRequest() {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    stats.legit++;
    const request = http.request({
      host: target.hostname.replace(/^\[|\]$/g, ''), port, path: options.path, method: 'GET',
      headers: { ...options.headers, Connection: 'close' }, agent: false,
    }, (response) => {
      response.resume();
      response.on('end', () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        stats.latencies.push(ms);
        if (response.statusCode !== options.expect) stats.failed++;
        else if (ms > options.boundMs) stats.late++;
        else stats.ok++;
        resolve();
      });
    });
    // Give up well after the bound: a request that never answers counts as failed, not as hanging the run.
    request.setTimeout(options.boundMs * 5, () => request.destroy(new Error('timeout')));
    request.on('error', () => {
      stats.failed++;
      stats.latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      resolve();
    });
    request.end();
  });
}

// Open the slow connections in batches, so the listen backlog is not what is being tested.
for (let i = 0; i < options.connections; i++) {
  slowClient(true);
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
}
await new Promise((r) => setTimeout(r, 500));  // all trickling before the first legitimate request

const end = Date.now() + options.seconds * 1000;
const pending = [];
while (Date.now() < end) {
  pending.push(legitimateRequest());
  await new Promise((r) => setTimeout(r, 250));
}
await Promise.all(pending);
running = false;
for (const socket of sockets) socket.destroy();

const sorted = [...stats.latencies].sort((a, b) => a - b);
const p50 = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : 0;
const max = sorted.length ? sorted[sorted.length - 1] : 0;
console.log(`slowloris connections=${options.connections} reconnects=${stats.reconnects} ` +
            `closed_by_server=${stats.closedByServer} legit=${stats.legit} ok=${stats.ok} late=${stats.late} ` +
            `failed=${stats.failed} p50_ms=${p50.toFixed(1)} max_ms=${max.toFixed(1)}`);
process.exit(stats.ok === stats.legit && stats.legit > 0 ? 0 : 1);
