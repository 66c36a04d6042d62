// The OpenWallet Foundation SD-JWT library (@sd-jwt/sd-jwt-vc 0.20.0) set up as a conformant counterpart:
// 128-bit salts, ES256 through @sd-jwt/crypto-nodejs, EdDSA through node:crypto (crypto-nodejs has no Ed25519).
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import crypto from 'node:crypto';

export const hasher = (data, alg) => digest(data, alg);
// The library's default salt is 64 bits; RFC 9901 §9.3 asks for at least 128.
export const saltGenerator = () => generateSalt(16);

export async function generateKeyPair(alg) {
  if (alg === 'ES256') return ES256.generateKeyPair();
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  return { publicKey: publicKey.export({ format: 'jwk' }), privateKey: privateKey.export({ format: 'jwk' }) };
}

export async function getSigner(alg, privateJwk) {
  if (alg === 'ES256') return ES256.getSigner(privateJwk);
  const key = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' });
  return (data) => crypto.sign(null, Buffer.from(data), key).toString('base64url');
}

export async function getVerifier(publicJwk) {
  const { d, ...pub } = publicJwk;
  void d;
  if (pub.kty === 'EC') return ES256.getVerifier(pub);
  const key = crypto.createPublicKey({ key: pub, format: 'jwk' });
  return (data, sig) => crypto.verify(null, Buffer.from(data), key, Buffer.from(sig, 'base64url'));
}

export const algOf = (jwk) => (jwk.kty === 'EC' ? 'ES256' : 'EdDSA');

// An issuer (and, with a holder key, a holder) instance.
export async function makeInstance({ issuerAlg, issuerPrivate, issuerPublic, holderAlg, holderPrivate }) {
  const config = { hasher, hashAlg: 'sha-256', saltGenerator };
  if (issuerPrivate) {
    config.signer = await getSigner(issuerAlg, issuerPrivate);
    config.signAlg = issuerAlg;
  }
  if (issuerPublic) config.verifier = await getVerifier(issuerPublic);
  if (holderPrivate) {
    config.kbSigner = await getSigner(holderAlg, holderPrivate);
    config.kbSignAlg = holderAlg;
  }
  // The KB-JWT must verify under the credential's cnf.jwk (RFC 9901 §7.3 step 5.1).
  config.kbVerifier = async (data, sig, payload) => {
    const jwk = payload?.cnf?.jwk;
    if (!jwk) return false;
    return (await getVerifier(jwk))(data, sig);
  };
  return new SDJwtVcInstance(config);
}

export function decodePart(jwt, index) {
  return JSON.parse(Buffer.from(jwt.split('.')[index], 'base64url').toString('utf8'));
}
