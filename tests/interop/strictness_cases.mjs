// Inputs RFC 9901 §7.1 says a verifier must reject and that @sd-jwt/sd-jwt-vc 0.20.0 accepts (INTEROP.md).
// Each case builds an issuer-signed SD-JWT by hand (signed with the library's ES256 signer) and names the error
// code Veil must answer with.
import crypto from 'node:crypto';
import { ES256 } from '@sd-jwt/crypto-nodejs';

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const digestOf = (disclosure) => crypto.createHash('sha256').update(disclosure).digest('base64url');
const salt = () => crypto.randomBytes(16).toString('base64url');

async function signJwt(signer, header, payload) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${await signer(input)}`;
}

// Returns [{name, code, sdJwt}] plus the issuer public key they verify under.
export async function strictnessCases({ iss, vct }) {
  const { publicKey, privateKey } = await ES256.generateKeyPair();
  const signer = await ES256.getSigner(privateKey);
  const now = Math.floor(Date.now() / 1000);
  const base = { iss, vct, iat: now, exp: now + 3600, _sd_alg: 'sha-256' };
  const header = { alg: 'ES256', typ: 'dc+sd-jwt' };
  const make = async (payload, disclosures) =>
    `${await signJwt(signer, header, { ...base, ...payload })}~${disclosures.join('~')}~`;

  const named = b64([salt(), 'given_name', 'Erika']);
  const sdNamed = b64([salt(), '_sd', ['x']]);
  const element = b64([salt(), 'DE']);
  const property = b64([salt(), 'country', 'DE']);
  return {
    publicKey,
    cases: [
      { name: 'a disclosure named _sd', code: 'forbidden_claim_name',
        sdJwt: await make({ _sd: [digestOf(named), digestOf(sdNamed)] }, [named, sdNamed]) },
      { name: 'an array-element disclosure referenced from an object _sd', code: 'disclosure_kind_mismatch',
        sdJwt: await make({ _sd: [digestOf(named), digestOf(element)] }, [named, element]) },
      { name: 'an object-property disclosure referenced from an array', code: 'disclosure_kind_mismatch',
        sdJwt: await make({ _sd: [digestOf(named)], nationalities: [{ '...': digestOf(property) }] }, [named, property]) },
      { name: 'the same disclosure presented twice', code: 'duplicate_disclosure',
        sdJwt: await make({ _sd: [digestOf(named)] }, [named, named]) },
    ],
  };
}
