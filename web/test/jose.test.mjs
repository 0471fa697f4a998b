// Keys that any JOSE library reads: the npm `jose` package (not corridor's
// code) verifies every party's signature on the agreement in force, with the
// keys from the registry exported as a JWK Set (`corridor agree register
// --jwks`). tests/web/browser_test.sh sets the two files:
//   CORRIDOR_AGREEMENT=agreement.json CORRIDOR_JWKS=parties.jwks npm test
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, decodeProtectedHeader, flattenedVerify, generalVerify } from 'jose';

const agreementFile = process.env.CORRIDOR_AGREEMENT;
const jwksFile = process.env.CORRIDOR_JWKS;
const skip = agreementFile && jwksFile ? false : 'CORRIDOR_AGREEMENT and CORRIDOR_JWKS are not set';

test('jose verifies each party signature of a corridor agreement', { skip }, async () => {
  const signed = JSON.parse(readFileSync(agreementFile, 'utf8'));
  const jwks = JSON.parse(readFileSync(jwksFile, 'utf8'));
  for (const key of jwks.keys) {
    assert.equal(key.kty, 'OKP');
    assert.equal(key.crv, 'Ed25519');
    assert.match(key.x, /^[A-Za-z0-9_-]{43}$/);
  }
  const keys = createLocalJWKSet(jwks);
  assert.ok(signed.signatures.length >= 2, 'both parties signed');
  const parties = [];
  for (const signature of signed.signatures) {
    const jws = { payload: signed.payload, protected: signature.protected, signature: signature.signature };
    const { payload, protectedHeader } = await flattenedVerify(jws, keys);
    assert.equal(protectedHeader.alg, 'EdDSA');
    assert.equal(jwks.keys.find((k) => k.kid === protectedHeader.kid).party, protectedHeader.party);
    // The readable copy is what was signed.
    assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), signed.document);
    parties.push(protectedHeader.party);
  }
  assert.deepEqual(parties.sort(), ['A', 'B']);
  // The general serialisation as a whole, as a JOSE client would take it.
  await generalVerify({ payload: signed.payload, signatures: signed.signatures }, keys);
});

test('jose refuses a corridor signature over a changed payload', { skip }, async () => {
  const signed = JSON.parse(readFileSync(agreementFile, 'utf8'));
  const keys = createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));
  const [signature] = signed.signatures;
  const changed = Buffer.from(JSON.stringify({ ...signed.document, version: 99 })).toString('base64url');
  assert.equal(decodeProtectedHeader(signature).alg, 'EdDSA');
  await assert.rejects(
    flattenedVerify({ payload: changed, protected: signature.protected, signature: signature.signature }, keys),
    /signature verification failed/);
});
