// Helpers of the end-to-end suite that scripts/demo does not offer: a recording proxy on loopback (to see the raw
// vp_token a wallet posts), decoding of SD-JWT+KB presentations, a temporary directory per test, and polling.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// tempDir creates a fresh private directory; remove() deletes it (unless VEIL_KEEP_TMP is set, for debugging).
export function tempDir(prefix = 'veil-e2e-') {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => { if (!process.env.VEIL_KEEP_TMP) rmSync(path, { recursive: true, force: true }); },
  };
}

// Headers that describe one hop of a connection, not the message: never forwarded as they are.
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host',
  'proxy-connection', 'upgrade', 'te', 'trailer']);

function forwardable(headers) {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name.toLowerCase())));
}

// startRecordingProxy starts a reverse proxy on a free loopback port that forwards every request unchanged to
// |target| (set later with setTarget, so the proxy's URL can be the verifier's --public-url before the verifier
// has a port) and records each exchange: {method, path, requestBody, status, responseBody}. Start the verifier
// with --public-url <proxy.url>: request_uri and response_uri then name the proxy, and the wallet's direct_post
// passes through it exactly as the wallet sent it.
export async function startRecordingProxy() {
  let target = null;
  const exchanges = [];
  const server = createServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on('data', (c) => chunks.push(c));
    incoming.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      if (!target) {
        outgoing.writeHead(503, { 'Content-Type': 'text/plain' });
        outgoing.end('proxy has no target yet');
        return;
      }
      const url = new URL(incoming.url, target);
      const upstream = httpRequest(url, {
        method: incoming.method,
        headers: { ...forwardable(incoming.headers), host: url.host, 'content-length': requestBody.length },
      }, (answer) => {
        const parts = [];
        answer.on('data', (c) => parts.push(c));
        answer.on('end', () => {
          const responseBody = Buffer.concat(parts);
          exchanges.push({ method: incoming.method, path: incoming.url, requestBody: requestBody.toString('utf8'),
            status: answer.statusCode, responseBody: responseBody.toString('utf8') });
          outgoing.writeHead(answer.statusCode, { ...forwardable(answer.headers), 'content-length': responseBody.length });
          outgoing.end(responseBody);
        });
      });
      upstream.on('error', (error) => {
        exchanges.push({ method: incoming.method, path: incoming.url, requestBody: requestBody.toString('utf8'),
          status: 502, responseBody: '', error: error.message });
        outgoing.writeHead(502, { 'Content-Type': 'text/plain' });
        outgoing.end('upstream failed');
      });
      upstream.end(requestBody);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    exchanges,
    setTarget(base) { target = base.endsWith('/') ? base : `${base}/`; },
    // directPosts returns the wallet's direct_post answers (OpenID4VP 1.0 §8.2) in order: the form fields it
    // sent, with vp_token parsed, and the verifier's status and JSON answer.
    directPosts() {
      return exchanges.filter((e) => e.method === 'POST' && e.path.startsWith('/response/')).map((e) => {
        const form = Object.fromEntries(new URLSearchParams(e.requestBody));
        let answer = null;
        try { answer = JSON.parse(e.responseBody); } catch { answer = e.responseBody; }
        return { path: e.path, form, vpToken: form.vp_token ? JSON.parse(form.vp_token) : undefined,
          status: e.status, answer };
      });
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function base64urlJson(text) {
  return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
}

// decodePresentation splits a compact SD-JWT+KB (RFC 9901 §4): the issuer-signed JWT (header, payload, signature
// segment), every disclosure (raw and decoded: [salt, name, value] or [salt, value]) and the KB-JWT.
export function decodePresentation(presentation) {
  const parts = presentation.split('~');
  const [header, payload, signature] = parts[0].split('.');
  const kbJwt = parts.at(-1);
  const disclosures = parts.slice(1, -1).filter((d) => d !== '');
  const [kbHeader, kbPayload] = kbJwt ? kbJwt.split('.') : [];
  return {
    header: base64urlJson(header),
    payload: base64urlJson(payload),
    signature,
    disclosures,
    decoded: disclosures.map(base64urlJson),
    kb: kbJwt ? { header: base64urlJson(kbHeader), payload: base64urlJson(kbPayload) } : null,
  };
}

// sdDigests collects every digest of an issuer-signed payload: _sd arrays at any depth and array elements {"...": d}.
export function sdDigests(value, into = new Set()) {
  if (Array.isArray(value)) {
    for (const element of value) sdDigests(element, into);
  } else if (value && typeof value === 'object') {
    for (const [name, member] of Object.entries(value)) {
      if (name === '_sd' && Array.isArray(member)) member.forEach((d) => into.add(d));
      else if (name === '...' && typeof member === 'string') into.add(member);
      else sdDigests(member, into);
    }
  }
  return into;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// sleepUntilUnixTime waits until the wall clock has passed |seconds| (a unix time) by |marginMs|.
export async function sleepUntilUnixTime(seconds, marginMs = 300) {
  const wait = seconds * 1000 + marginMs - Date.now();
  if (wait > 0) await sleep(wait);
}
