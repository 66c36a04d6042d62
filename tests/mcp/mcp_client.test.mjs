// The verifier's MCP endpoint driven by the official MCP TypeScript client (@modelcontextprotocol/sdk) over the
// Streamable HTTP transport, against the real `veil-verifier serve` (VEIL_VERIFIER_BIN) on a free loopback port:
// initialize, list tools (their schemas), call each tool, errors (bad API key, unknown tool, invalid arguments),
// session end; and, with VEIL_ISSUER_BIN and VEIL_WALLET_BIN, a whole flow: request_attributes through MCP → the
// holder's wallet answers → get_request_result through MCP shows exactly the requested claims.
//
//   VEIL_VERIFIER_BIN=build/veil-verifier VEIL_ISSUER_BIN=... VEIL_WALLET_BIN=... node --test mcp_client.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

import { privateDir, startIssuer, startVerifier, startWallet, writeJson } from '../../scripts/demo/veil_services.mjs';
import { IssuerAdmin, WalletApi } from '../../scripts/demo/veil_clients.mjs';

const bins = {
  verifier: process.env.VEIL_VERIFIER_BIN,
  issuer: process.env.VEIL_ISSUER_BIN,
  wallet: process.env.VEIL_WALLET_BIN,
};
if (!bins.verifier) throw new Error('set VEIL_VERIFIER_BIN to the veil-verifier program');

const DEFAULT_KEY = 'mcp-default-key-0123456789abcdef';
const OTHER_KEY = 'mcp-other-key-0123456789abcdefgh';
const AGE_VCT = 'urn:veil:credential:age';
const PERSON_VCT = 'urn:veil:credential:person';
const TOOL_NAMES = ['request_attributes', 'get_request_result', 'verify_presentation'];

function tempDir() {
  const path = mkdtempSync(join(tmpdir(), 'veil-mcp-'));
  return { path, remove: () => { if (!process.env.VEIL_KEEP_TMP) rmSync(path, { recursive: true, force: true }); } };
}

// startVerifierWithKeys starts veil-verifier serve with two relying parties (default and other) and |trust|.
async function startVerifierWithKeys(dir, { trust, config } = {}) {
  const dataDir = privateDir(join(dir, 'verifier'));
  writeJson(join(dataDir, 'api-keys.json'), {
    relying_parties: [{ name: 'default', api_key: DEFAULT_KEY }, { name: 'other', api_key: OTHER_KEY }],
  });
  return startVerifier({ bin: bins.verifier, dataDir, trust, config });
}

// connect opens an MCP session to |url|/mcp with |apiKey| as the Bearer token, as an MCP client configured with
// the verifier's URL and an Authorization header does.
async function connect(url, apiKey = DEFAULT_KEY) {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), {
    requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
  });
  const client = new Client({ name: 'veil-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

// structured checks a successful tool result: structuredContent and the same JSON as text, no isError.
function structured(result) {
  assert.equal(result.isError, false, JSON.stringify(result));
  assert.ok(result.structuredContent, 'a structured result');
  assert.equal(result.content[0].type, 'text');
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
  return result.structuredContent;
}

// toolError checks a tool execution error and returns its { code, message }.
function toolError(result) {
  assert.equal(result.isError, true, JSON.stringify(result));
  assert.equal(result.structuredContent, undefined);
  return JSON.parse(result.content[0].text).error;
}

describe('veil-verifier MCP server with the MCP TypeScript client', () => {
  let dir;
  let verifier;
  let session;

  before(async () => {
    dir = tempDir();
    verifier = await startVerifierWithKeys(dir.path);
    session = await connect(verifier.url);
  });
  after(async () => {
    await session?.client.close();
    await verifier?.stop();
    dir?.remove();
  });

  test('initialize negotiates the latest protocol version and opens a session', () => {
    const { client, transport } = session;
    assert.equal(transport.protocolVersion, '2025-11-25');
    assert.match(transport.sessionId, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(client.getServerCapabilities(), { tools: { listChanged: false } });
    assert.equal(client.getServerVersion().name, 'veil-verifier');
    assert.match(client.getInstructions(), /request_attributes/);
  });

  test('ping answers', async () => {
    assert.deepEqual(await session.client.ping(), {});
  });

  test('tools/list shows the three tools with precise schemas', async () => {
    const { tools } = await session.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), TOOL_NAMES);
    for (const tool of tools) {
      assert.ok(tool.title && tool.description.length > 40, `${tool.name} is described`);
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        assert.equal(schema.type, 'object');
        assert.equal(schema.additionalProperties, false);
      }
    }
    const [request, result, verify] = tools;
    assert.deepEqual(Object.keys(request.inputSchema.properties).sort(),
      ['claims', 'dcql_query', 'max_age_seconds', 'mode', 'optional_claims', 'trusted_issuers', 'vct', 'webhook_url']);
    assert.deepEqual(request.inputSchema.properties.mode.enum, ['reference', 'value']);
    assert.deepEqual(request.inputSchema.properties.dcql_query.properties.credentials.items.properties.format.enum,
      ['dc+sd-jwt']);
    assert.deepEqual(request.outputSchema.required,
      ['id', 'status', 'mode', 'client_id', 'link', 'qr_payload', 'expires_at']);
    assert.deepEqual(result.inputSchema.required, ['id']);
    assert.equal(result.inputSchema.properties.id.pattern, '^[A-Za-z0-9_-]{1,128}$');
    assert.deepEqual(result.outputSchema.properties.status.enum, ['pending', 'verified', 'failed']);
    assert.deepEqual(verify.inputSchema.required, ['presentation']);
    assert.equal(request.annotations.readOnlyHint, false);
    assert.equal(result.annotations.readOnlyHint, true);
  });

  test('request_attributes returns the link and QR payload; get_request_result reads it as pending', async () => {
    const created = structured(await session.client.callTool({
      name: 'request_attributes', arguments: { vct: [AGE_VCT], claims: [['age_over_18']] },
    }));
    assert.equal(created.status, 'pending');
    assert.equal(created.mode, 'reference');
    assert.match(created.link, /^openid4vp:\/\/\?client_id=x509_hash%3A[^&]+&request_uri=http%3A%2F%2F127\.0\.0\.1/);
    assert.equal(created.qr_payload, created.link);
    assert.ok(created.expires_at > Date.now() / 1000);

    const pending = structured(await session.client.callTool({ name: 'get_request_result', arguments: { id: created.id } }));
    assert.deepEqual(pending, { id: created.id, status: 'pending', expires_at: created.expires_at });

    // The same request is the REST API's: readable there with the same key, invisible to another relying party.
    const rest = await fetch(`${verifier.url}/v1/presentation-requests/${created.id}`,
      { headers: { Authorization: `Bearer ${DEFAULT_KEY}` } });
    assert.equal(rest.status, 200);
    const other = await connect(verifier.url, OTHER_KEY);
    try {
      const hidden = toolError(await other.client.callTool({ name: 'get_request_result', arguments: { id: created.id } }));
      assert.equal(hidden.code, 'not_found');
    } finally {
      await other.client.close();
    }
  });

  test('request_attributes takes a DCQL query, by value', async () => {
    const created = structured(await session.client.callTool({
      name: 'request_attributes',
      arguments: {
        dcql_query: { credentials: [{ id: 'age', format: 'dc+sd-jwt', meta: { vct_values: [AGE_VCT] },
          claims: [{ path: ['age_over_18'] }] }] },
        mode: 'value',
      },
    }));
    assert.equal(created.mode, 'value');
    assert.match(created.link, /dcql_query=/);
  });

  test('verify_presentation answers a rejected presentation as valid: false with the code', async () => {
    const rejected = structured(await session.client.callTool({
      name: 'verify_presentation',
      arguments: { presentation: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln~', aud: 'https://rp.example', nonce: 'n' },
    }));
    assert.equal(rejected.valid, false);
    assert.equal(typeof rejected.error.code, 'string');
    assert.notEqual(rejected.error.code, '');
  });

  test('invalid arguments are tool errors with Veil codes', async () => {
    const call = (name, args) => session.client.callTool({ name, arguments: args });
    let error = toolError(await call('request_attributes', { vct: [AGE_VCT], colour: 'red' }));
    assert.equal(error.code, 'invalid_policy');
    assert.match(error.message, /colour|additionalProperties/);
    error = toolError(await call('request_attributes', { dcql_query: { credentials: [] } }));
    assert.equal(error.code, 'invalid_dcql_query');
    error = toolError(await call('request_attributes', {}));
    assert.equal(error.code, 'invalid_policy');
    error = toolError(await call('request_attributes', { vct: [AGE_VCT], webhook_url: 'http://rp.example/hook' }));
    assert.equal(error.code, 'url_not_allowed');
    error = toolError(await call('get_request_result', { id: '../etc/passwd' }));
    assert.equal(error.code, 'invalid_request');
    error = toolError(await call('get_request_result', { id: 'no-such-request' }));
    assert.equal(error.code, 'not_found');
    error = toolError(await call('verify_presentation', { presentation: 'a~', aud: 'only-aud' }));
    assert.equal(error.code, 'invalid_request');
  });

  test('an unknown tool is a JSON-RPC -32602 error', async () => {
    await assert.rejects(session.client.callTool({ name: 'issue_credential', arguments: {} }), (error) => {
      assert.ok(error instanceof McpError);
      assert.equal(error.code, ErrorCode.InvalidParams);
      assert.match(error.message, /unknown tool: issue_credential/);
      return true;
    });
  });

  test('an unsupported method is a JSON-RPC -32601 error', async () => {
    await assert.rejects(session.client.listResources(), (error) => {
      assert.equal(error.code, ErrorCode.MethodNotFound);
      return true;
    });
  });

  test('a wrong or missing API key is refused with 401 before any session', async () => {
    for (const key of ['wrong-key-0123456789abcdefghijkl', '']) {
      const transport = new StreamableHTTPClientTransport(new URL('/mcp', verifier.url), {
        requestInit: { headers: key ? { Authorization: `Bearer ${key}` } : {} },
      });
      const client = new Client({ name: 'veil-mcp-test', version: '1.0.0' });
      await assert.rejects(client.connect(transport), (error) => {
        assert.equal(error.code, 401, String(error));
        return true;
      });
    }
  });

  test('GET /mcp is 405 and an Origin header is refused with 403', async () => {
    const get = await fetch(new URL('/mcp', verifier.url), { headers: { Authorization: `Bearer ${DEFAULT_KEY}` } });
    assert.equal(get.status, 405);
    const fromPage = await fetch(new URL('/mcp', verifier.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEFAULT_KEY}`, 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(fromPage.status, 403);
  });

  test('terminating the session ends it: its id then answers 404', async () => {
    const own = await connect(verifier.url);
    const { sessionId } = own.transport;
    await own.transport.terminateSession();
    assert.equal(own.transport.sessionId, undefined);
    const answer = await fetch(new URL('/mcp', verifier.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEFAULT_KEY}`, 'Content-Type': 'application/json', 'Mcp-Session-Id': sessionId,
        'MCP-Protocol-Version': '2025-11-25', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(answer.status, 404);
    assert.equal((await answer.json()).error.code, -32001);
    await own.client.close();
  });
});

describe('a whole flow through MCP: an AI agent asks, the holder approves in their wallet, the agent reads the claims',
  { skip: !(bins.issuer && bins.wallet) && 'set VEIL_ISSUER_BIN and VEIL_WALLET_BIN for the whole flow' }, () => {
    let dir;
    const services = [];
    let issuer;
    let wallet;
    let verifier;

    before(async () => {
      dir = tempDir();
      issuer = await startIssuer({ bin: bins.issuer, dataDir: join(dir.path, 'issuer') });
      services.push(issuer);
      verifier = await startVerifierWithKeys(dir.path, {
        config: { allow_loopback_http: true },
        trust: { issuers: [{ iss: issuer.url, resolve: 'metadata' }] },
      });
      services.push(verifier);
      wallet = await startWallet({
        bin: bins.wallet, dataDir: join(dir.path, 'wallet'), passphrase: 'correct horse battery staple',
        config: { allow_loopback_http: true, kdf: 'minimum' },
      });
      services.push(wallet);
    });
    after(async () => {
      await Promise.all(services.map((service) => service.stop()));
      dir?.remove();
    });

    test('request_attributes → wallet approves → get_request_result has exactly the requested claims', async () => {
      const person = JSON.parse(readFileSync(new URL('../../schemas/person/example_claims.json', import.meta.url), 'utf8'));
      const walletApi = new WalletApi(wallet.url, wallet.apiToken);
      const offer = await new IssuerAdmin(issuer.url, issuer.adminKey).createOffer({ type: 'person', claims: person });
      await walletApi.acceptOffer(offer.offer_uri);

      const { client } = await connect(verifier.url);
      try {
        const created = structured(await client.callTool({
          name: 'request_attributes',
          arguments: { vct: [PERSON_VCT], claims: [['age_over_18'], 'address.country'] },
        }));
        // The agent hands the link to the person; their wallet shows who asks and what, and they approve.
        const pending = await walletApi.submitRequest(created.qr_payload);
        assert.equal(pending.verifier.client_id, created.client_id);
        await walletApi.approve(pending.id, { claims: [] });

        const result = structured(await client.callTool({ name: 'get_request_result', arguments: { id: created.id } }));
        assert.equal(result.status, 'verified', JSON.stringify(result));
        const credential = result.credentials.credential;
        assert.equal(credential.iss, issuer.url);
        assert.equal(credential.vct, PERSON_VCT);
        assert.equal(credential.status, 'valid');
        // Exactly what was asked: nothing of the name, birth date or street the credential also holds.
        assert.deepEqual(credential.claims, { age_over_18: person.age_over_18, address: { country: person.address.country } });
      } finally {
        await client.close();
      }
    });
  });
