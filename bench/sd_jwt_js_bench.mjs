// The standard workload of veil_bench with the npm library @sd-jwt/sd-jwt-vc 0.20.0 + @sd-jwt/crypto-nodejs
// (ES256 issuer and holder, 128-bit salts, KB-JWT), single-threaded, median of timed rounds.
//   node bench/sd_jwt_js_bench.mjs [--rounds N] [--seconds S]
// Packages come from tests/interop/node_modules (scripts/setup.sh installs them).
//   issue   = SDJwtVcInstance.issue with every claim disclosable (array elements and address members too)
//   present = SDJwtVcInstance.present of given_name, age_over_18, address.country with a KB-JWT
//   verify  = SDJwtVcInstance.verify with the nonce (it checks the issuer signature, disclosures, the KB-JWT
//             signature, nonce and sd_hash; unlike Veil it does not check the KB-JWT aud, its iat age or typ)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'interop', 'package.json'));
const { SDJwtVcInstance } = await import(require.resolve('@sd-jwt/sd-jwt-vc'));
const { ES256, digest, generateSalt } = await import(require.resolve('@sd-jwt/crypto-nodejs'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = option('--rounds', 7);
const seconds = option('--seconds', 0.5);

async function measure(op) {
  for (let i = 0; i < 20; i++) await op();
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let count = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      for (let i = 0; i < 10; i++) await op();
      count += 10;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < seconds);
    rates.push(count / elapsed);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const issuerKeys = await ES256.generateKeyPair();
const holderKeys = await ES256.generateKeyPair();
const hasher = (data, alg) => digest(data, alg);
const instance = new SDJwtVcInstance({
  hasher, hashAlg: 'sha-256', saltGenerator: () => generateSalt(16),
  signer: await ES256.getSigner(issuerKeys.privateKey), signAlg: 'ES256',
  verifier: await ES256.getVerifier(issuerKeys.publicKey),
  kbSigner: await ES256.getSigner(holderKeys.privateKey), kbSignAlg: 'ES256',
  kbVerifier: async (data, sig, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, sig),
});

const now = Math.floor(Date.now() / 1000);
const payload = {
  iss: 'https://issuer.example', vct: 'https://credentials.example/person', iat: now, exp: now + 365 * 86400,
  cnf: { jwk: holderKeys.publicKey },
  given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', email: 'erika.mustermann@example.com',
  phone_number: '+49 221 1234567', nationalities: ['DE', 'FR'],
  address: { street_address: 'Heidestrasse 17', locality: 'Koeln', postal_code: '51147', country: 'DE' },
  age_over_18: true, age_over_21: true, age_over_65: false,
};
const frame = {
  _sd: ['given_name', 'family_name', 'birthdate', 'email', 'phone_number', 'nationalities', 'address', 'age_over_18',
    'age_over_21', 'age_over_65'],
  nationalities: { _sd: [0, 1] },
  address: { _sd: ['street_address', 'locality', 'postal_code', 'country'] },
};
const presentationFrame = { given_name: true, age_over_18: true, address: { country: true } };
const kb = { payload: { aud: 'https://verifier.example', nonce: 'n-0S6_WzA2Mj', iat: now } };

const credential = await instance.issue(payload, frame);
const presentation = await instance.present(credential, presentationFrame, { kb });
const checked = await instance.verify(presentation, { keyBindingNonce: kb.payload.nonce });
if (checked.payload.address?.country !== 'DE' || checked.payload.family_name !== undefined || !checked.kb) {
  throw new Error('the presentation does not disclose the expected claims');
}

console.log(`@sd-jwt/sd-jwt-vc benchmark: person credential with ${credential.split('~').length - 2} disclosures, ` +
  'ES256 issuer and holder, present 3 claims + KB-JWT');
console.log(`node ${process.version}, single thread, median of ${rounds} rounds of >= ${seconds} s\n`);
const issueRate = await measure(() => instance.issue(payload, frame));
const presentRate = await measure(() => instance.present(credential, presentationFrame, { kb }));
const verifyRate = await measure(() => instance.verify(presentation, { keyBindingNonce: kb.payload.nonce }));
console.log(`  issue                 ${issueRate.toFixed(0).padStart(10)} /s`);
console.log(`  present               ${presentRate.toFixed(0).padStart(10)} /s`);
console.log(`  verify                ${verifyRate.toFixed(0).padStart(10)} /s\n`);
console.log(`bench issue_per_s ${issueRate.toFixed(0)}`);
console.log(`bench present_per_s ${presentRate.toFixed(0)}`);
console.log(`bench verify_per_s ${verifyRate.toFixed(0)}`);
