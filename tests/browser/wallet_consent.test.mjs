// The wallet UI in a real browser (issue 6, "Browser test"): a person opens the wallet's one-time link in Debian's
// chromium, unlocks the wallet, reviews what a relying party asks for, unticks an optional claim and approves —
// and the relying party receives exactly the ticked claims, verified. A second case declines: access_denied.
//
// Run with node's test runner (ctest label "browser" does this):
//   VEIL_ISSUER_BIN=build/veil-issuer VEIL_WALLET_BIN=build/veil-wallet VEIL_VERIFIER_BIN=build/veil-verifier \
//   VEIL_ARTIFACTS_DIR=build/artifacts node --test tests/browser/wallet_consent.test.mjs
// Optional: VEIL_CHROMIUM (default /usr/bin/chromium), VEIL_KEEP_TMP=1 keeps the services' data directories.
// The consent screen is saved as VEIL_ARTIFACTS_DIR/wallet-consent.png; a failing case saves what the browser
// showed as wallet-failure-<case>.png beside it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startIssuer, startVerifier, startWallet } from '../../scripts/demo/veil_services.mjs';
import { IssuerAdmin, RelyingParty, WalletApi } from '../../scripts/demo/veil_clients.mjs';

assert.ok(process.env.VEIL_ISSUER_BIN && process.env.VEIL_WALLET_BIN && process.env.VEIL_VERIFIER_BIN,
  'set VEIL_ISSUER_BIN, VEIL_WALLET_BIN and VEIL_VERIFIER_BIN');
// Absolute: each service runs in its data directory, where a path relative to here would not resolve.
const bins = {
  issuer: resolve(process.env.VEIL_ISSUER_BIN),
  wallet: resolve(process.env.VEIL_WALLET_BIN),
  verifier: resolve(process.env.VEIL_VERIFIER_BIN),
};
const chromiumPath = process.env.VEIL_CHROMIUM || '/usr/bin/chromium';
const artifacts = resolve(process.env.VEIL_ARTIFACTS_DIR ||
  fileURLToPath(new URL('../../build/artifacts', import.meta.url)));

const PASSPHRASE = 'correct horse battery staple';
const PERSON_VCT = 'urn:veil:credential:person';
const ERIKA = {
  given_name: 'Erika',
  family_name: 'Mustermann',
  birthdate: '1984-08-12',
  nationalities: ['DE'],
  address: { street_address: 'Heidestrasse 17', locality: 'Koeln', postal_code: '51147', country: 'DE' },
  email: 'erika@example.org',
  age_over_18: true,
  age_over_21: true,
};
// What the relying party asks for: two required claims and two optional ones the holder may withhold.
const POLICY = {
  vct: [PERSON_VCT],
  claims: [['age_over_18'], ['address', 'country']],
  optional_claims: [['given_name'], ['email']],
};
// The consent screen names each claim by its label from the person type's metadata (schemas/person).
const REQUIRED_LABELS = ['Over 18', 'Country'];
const OPTIONAL_LABELS = ['Given name', 'Email address'];
const UI_TIMEOUT_MS = 20000;  // generous: CI machines may be busy; nothing waits this long when all is well

const scene = { tmp: null, issuer: null, verifier: null, wallet: null, browser: null, loginUsed: false };

before(async () => {
  scene.tmp = mkdtempSync(join(tmpdir(), 'veil-browser-'));
  mkdirSync(artifacts, { recursive: true });
  scene.issuer = await startIssuer({ bin: bins.issuer, dataDir: join(scene.tmp, 'issuer') });
  scene.verifier = await startVerifier({
    bin: bins.verifier, dataDir: join(scene.tmp, 'verifier'), config: { allow_loopback_http: true },
    trust: { issuers: [{ iss: scene.issuer.url, resolve: 'metadata' }] },
  });
  // The wallet is created with the passphrase and receives the credential through its API ...
  const walletDir = join(scene.tmp, 'wallet');
  const walletConfig = { allow_loopback_http: true, kdf: 'minimum' };
  const first = await startWallet({ bin: bins.wallet, dataDir: walletDir, passphrase: PASSPHRASE, config: walletConfig });
  scene.wallet = first;
  const offer = await new IssuerAdmin(scene.issuer.url, scene.issuer.adminKey).createOffer({ type: 'person', claims: ERIKA });
  const accepted = await new WalletApi(first.url, first.apiToken).acceptOffer(offer.offer_uri);
  assert.equal(accepted.credentials.length, 1, `the wallet stored the person credential: ${JSON.stringify(accepted)}`);
  await first.stop();
  // ... then runs without it: locked until the person unlocks it in the browser.
  scene.wallet = await startWallet({ bin: bins.wallet, dataDir: walletDir, config: walletConfig });
  const status = await new WalletApi(scene.wallet.url, scene.wallet.apiToken).status();
  assert.equal(status.locked, true, `the wallet restarted without a passphrase is locked: ${JSON.stringify(status)}`);

  try {
    scene.browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  } catch (error) {
    throw new Error(`cannot start ${chromiumPath} through playwright-core (run scripts/setup.sh): ${error.message}`);
  }
});

after(async () => {
  await scene.browser?.close().catch(() => {});
  await Promise.all([scene.wallet, scene.verifier, scene.issuer].filter(Boolean).map((s) => s.stop().catch(() => {})));
  if (scene.tmp && !process.env.VEIL_KEEP_TMP) rmSync(scene.tmp, { recursive: true, force: true });
});

// inBrowser restarts the wallet if its one-time login link was used (locked again, with a fresh link), opens a new
// browser context (nothing shared with another case) and runs |steps| with its page. On failure it saves what the
// page showed and adds the wallet's recent stderr to the error; the context is closed either way.
async function inBrowser(name, steps) {
  if (scene.loginUsed) await scene.wallet.restart();
  scene.loginUsed = true;
  const context = await scene.browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1024, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await steps(page);
    assert.deepEqual(pageErrors, [], 'the wallet UI threw no script errors');
  } catch (error) {
    const shot = join(artifacts, `wallet-failure-${name}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    const stderr = scene.wallet.output.stderr.trim().split('\n').slice(-10).join('\n');
    error.message += `\n  (page: ${page.url()}; screenshot: ${shot}` +
      `${pageErrors.length ? `; script errors: ${pageErrors.join(' | ')}` : ''})` +
      `${stderr ? `\n  veil-wallet stderr (last lines):\n${stderr}` : ''}`;
    throw error;
  } finally {
    await context.close();
  }
}

// see waits until |locator| is visible; otherwise it fails saying what the person expected to see.
async function see(locator, what) {
  try {
    await locator.waitFor({ state: 'visible' });
  } catch (error) {
    throw new Error(`the wallet UI does not show ${what}: ${error.message}`);
  }
  return locator;
}

// signInAndUnlock opens the one-time link veil-wallet printed and types the passphrase, as the person would.
async function signInAndUnlock(page) {
  await page.goto(scene.wallet.loginUrl);
  const unlock = await see(page.getByRole('region', { name: 'Your wallet is locked' }), 'the unlock screen');
  assert.doesNotMatch(page.url(), /login=/, 'the one-time code is removed from the address bar');
  await unlock.getByLabel('Passphrase').fill(PASSPHRASE);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await see(page.getByRole('heading', { name: 'Credentials' }), 'the credentials after unlocking');
  await see(page.getByRole('heading', { name: 'Person identification' }), 'the person credential in the list');
}

async function expectChecked(checkbox, checked, what) {
  await see(checkbox, `a checkbox for ${what}`);
  assert.equal(await checkbox.isChecked(), checked, `${what} is ${checked ? '' : 'not '}ticked`);
}

test('the holder unticks an optional claim in the wallet UI and the relying party receives exactly the ticked claims',
  { timeout: 120000 }, async () => {
    const relyingParty = new RelyingParty(scene.verifier.url, scene.verifier.apiKey);
    const asked = await relyingParty.requestAttributes({ ...POLICY, trusted_issuers: [scene.issuer.url] });

    await inBrowser('approve', async (page) => {
      await signInAndUnlock(page);

      // The person pastes the verifier's request link under Requests.
      await page.getByRole('link', { name: /^Requests/ }).click();
      await page.getByLabel('Request link from a verifier').fill(asked.link);
      await page.getByRole('button', { name: 'Review request' }).click();

      // The consent screen: who asks, and each claim, required ones fixed, optional ones ticked.
      await see(page.getByRole('heading', { name: 'Share information?' }), 'the consent screen');
      await see(page.getByText(asked.client_id, { exact: true }), `the verifier's client_id ${asked.client_id}`);
      await see(page.getByText(`${new URL(scene.verifier.url).origin}/response/`), 'where the answer goes (the verifier)');
      await see(page.getByRole('heading', { name: 'Person identification' }), 'the credential that answers');
      await see(page.getByRole('link', { name: 'Requests 1 pending' }), 'one pending request on the Requests tab');
      const claims = page.getByRole('group', { name: 'Information that will be shared' }).getByRole('checkbox');
      await see(claims.first(), 'the claims to be shared');
      assert.equal(await claims.count(), REQUIRED_LABELS.length + OPTIONAL_LABELS.length,
        'the consent screen lists exactly the requested claims');
      for (const label of REQUIRED_LABELS) {
        const box = page.getByRole('checkbox', { name: label, exact: true });
        await expectChecked(box, true, `required claim "${label}"`);
        assert.equal(await box.isDisabled(), true, `required claim "${label}" cannot be unticked`);
      }
      for (const label of OPTIONAL_LABELS) {
        const box = page.getByRole('checkbox', { name: label, exact: true });
        await expectChecked(box, true, `optional claim "${label}"`);
        assert.equal(await box.isEnabled(), true, `optional claim "${label}" can be unticked`);
      }

      // The person keeps the given name but withholds the e-mail address.
      await page.getByRole('checkbox', { name: 'Email address', exact: true }).uncheck();
      await expectChecked(page.getByRole('checkbox', { name: 'Email address', exact: true }), false, 'Email address');
      await page.screenshot({ path: join(artifacts, 'wallet-consent.png'), fullPage: true });

      await page.getByRole('button', { name: 'Share selected information' }).click();
      await see(page.getByText(/^Shared with /), 'that the information was shared');
      await see(page.getByText('Person identification: Over 18, Country, Given name'), 'exactly the ticked claims as shared');
    });

    const result = await relyingParty.waitForResult(asked.id);
    assert.equal(result.status, 'verified', `the verifier's result: ${JSON.stringify(result)}`);
    const received = Object.values(result.credentials);
    assert.equal(received.length, 1, `one credential: ${JSON.stringify(result.credentials)}`);
    assert.equal(received[0].iss, scene.issuer.url);
    assert.equal(received[0].vct, PERSON_VCT);
    assert.deepEqual(received[0].claims, { age_over_18: true, address: { country: 'DE' }, given_name: 'Erika' },
      'the relying party holds exactly the ticked claims (the unticked e-mail address is absent)');
  });

test('declining in the wallet UI gives the relying party access_denied', { timeout: 120000 }, async () => {
  const relyingParty = new RelyingParty(scene.verifier.url, scene.verifier.apiKey);
  const asked = await relyingParty.requestAttributes({ ...POLICY, trusted_issuers: [scene.issuer.url] });

  await inBrowser('decline', async (page) => {
    await signInAndUnlock(page);
    // A local agent hands the request to the wallet through its API; the person finds it under Requests.
    const pending = await new WalletApi(scene.wallet.url, scene.wallet.apiToken).submitRequest(asked.link);
    await page.getByRole('link', { name: /^Requests/ }).click();
    await see(page.getByRole('heading', { name: 'Requests' }), 'the requests');
    await see(page.getByRole('heading', { name: pending.verifier.host }), 'the pending request from the verifier');
    await see(page.getByText('Asks about: Person identification'), 'what the pending request asks about');
    await page.getByRole('link', { name: `Review the request from ${pending.verifier.host}` }).click();
    await see(page.getByRole('heading', { name: 'Share information?' }), 'the consent screen');
    await page.getByRole('button', { name: 'Decline' }).click();
    await see(page.getByText('You declined. Nothing was shared.'), 'that nothing was shared');
  });

  const result = await relyingParty.waitForResult(asked.id);
  assert.equal(result.status, 'failed', `the verifier's result: ${JSON.stringify(result)}`);
  assert.equal(result.error?.code, 'access_denied', `the verifier's result: ${JSON.stringify(result)}`);
  assert.equal(result.credentials, undefined, 'nothing was received');
});
