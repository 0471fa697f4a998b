// Unit tests of the page's pure parts: the plan over time and request signing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nacl from 'tweetnacl';
import { Cumulative, checkpointPasses, convoyPosition, lastAtOrBefore } from '../src/timeline.js';
import { base64urlDecode, base64urlEncode, parseKeyFile, rfc3339, signedHeaders } from '../src/auth.js';

test('lastAtOrBefore finds the segment a time falls in', () => {
  const times = [0, 10, 10, 30];
  assert.equal(lastAtOrBefore(times, -1), -1);
  assert.equal(lastAtOrBefore(times, 0), 0);
  assert.equal(lastAtOrBefore(times, 10), 2);
  assert.equal(lastAtOrBefore(times, 29.9), 2);
  assert.equal(lastAtOrBefore(times, 99), 3);
});

test('a convoy is interpolated along its line between departure and arrival', () => {
  const coords = [[1, 42], [2, 42], [2, 43]];
  const times = [100, 200, 400];
  assert.equal(convoyPosition(coords, times, 99), null);
  assert.deepEqual(convoyPosition(coords, times, 100), [42, 1]);
  assert.deepEqual(convoyPosition(coords, times, 150), [42, 1.5]);
  assert.deepEqual(convoyPosition(coords, times, 300), [42.5, 2]);
  assert.equal(convoyPosition(coords, times, 400), null, 'arrived: no longer on the road');
});

test('running totals by time and within a window', () => {
  const c = new Cumulative([{ t: 50, amount: 2 }, { t: 10, amount: 1 }, { t: 3700, amount: 4 }]);
  assert.equal(c.at(0), 0);
  assert.equal(c.at(10), 1);
  assert.equal(c.at(60), 3);
  assert.equal(c.total, 7);
  assert.equal(c.within(3700, 3600), 4, 'the last hour before 3700 s leaves out 10 s and 50 s');
  assert.equal(c.within(3640, 3600), 2, "(40 s, 3640 s] holds only t = 50 s");
});

test('checkpoint passes come from paths through the snapped node', () => {
  const plan = {
    snaps: [{ kind: 'checkpoint', id: 'cp', node: 7 }, { kind: 'origin', id: 'o', node: 1 }],
    movements: [
      { path: [1, 7, 9], times_s: [0, 60, 90], vehicles: 5 },
      { path: [1, 8, 9], times_s: [0, 30, 90], vehicles: 3 },
      { path: [1, 7, 9], times_s: [100, 200, 300], vehicles: 2 },
    ],
  };
  const cp = checkpointPasses(plan).get('cp');
  assert.equal(cp.at(59), 0);
  assert.equal(cp.at(60), 5);
  assert.equal(cp.at(200), 7);
});

test('a JWK key file and the older form give the same secret key', () => {
  const pair = nacl.sign.keyPair();
  const seed = pair.secretKey.slice(0, 32);
  const jwk = { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', party: 'A', kid: 'abcd', x: base64urlEncode(pair.publicKey), d: base64urlEncode(seed) };
  assert.deepEqual(parseKeyFile(JSON.stringify(jwk)).secretKey, pair.secretKey);
  const old = { party: 'A', kid: 'abcd', alg: 'EdDSA', crv: 'Ed25519', secret_key: base64urlEncode(pair.secretKey) };
  assert.deepEqual(parseKeyFile(JSON.stringify(old)).secretKey, pair.secretKey);
  const other = nacl.sign.keyPair();
  assert.throws(() => parseKeyFile(JSON.stringify({ ...jwk, x: base64urlEncode(other.publicKey) })), /damaged/);
  assert.throws(() => parseKeyFile(JSON.stringify({ ...jwk, kty: 'EC' })), /not an Ed25519/);
  assert.throws(() => parseKeyFile(JSON.stringify({ ...jwk, d: 'AAAA' })), /"d" has 3 bytes, not 32/);
});

test('a signed request verifies with the party public key', async () => {
  const pair = nacl.sign.keyPair();
  const file = JSON.stringify({ party: 'A', kid: 'abcd', alg: 'EdDSA', crv: 'Ed25519', secret_key: base64urlEncode(pair.secretKey) });
  const key = parseKeyFile(file);
  assert.deepEqual(base64urlDecode(base64urlEncode(pair.secretKey)), pair.secretKey);
  const now = new Date('2026-11-29T12:00:00.123Z');
  assert.equal(rfc3339(now), '2026-11-29T12:00:00Z');
  const h = await signedHeaders(key, 'POST', '/sessions', new Uint8Array(), now);
  assert.equal(h['X-Corridor-Key'], 'abcd');
  assert.equal(h['X-Corridor-Time'], '2026-11-29T12:00:00Z');
  assert.match(h['X-Corridor-Nonce'], /^[A-Za-z0-9_-]{24}$/);
  const message = ['corridor-request-v1', 'POST', '/sessions', '2026-11-29T12:00:00Z', h['X-Corridor-Nonce'],
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'].join('\n');
  const signature = base64urlDecode(h['X-Corridor-Signature']);
  assert.ok(nacl.sign.detached.verify(new TextEncoder().encode(message), signature, pair.publicKey));
});

test('bad key files are refused with a clear message', () => {
  assert.throws(() => parseKeyFile('nope'), /not JSON/);
  assert.throws(() => parseKeyFile('{"party":"A","kid":"k","alg":"EdDSA","crv":"Ed25519"}'), /"secret_key"/);
  assert.throws(() => parseKeyFile('{"party":"A","kid":"k","alg":"EdDSA","crv":"Ed25519","secret_key":"AAAA"}'), /3 bytes, not 64/);
});
