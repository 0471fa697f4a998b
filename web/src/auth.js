// Signing in with a party key file: a signed `POST /sessions` (Ed25519 over
// the canonical request, see the brief in web/README.md) returns a session token.
import nacl from 'tweetnacl';
import { api, requestTarget } from './api.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function base64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function base64urlEncode(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function bytesOf(key, field, length) {
  let bytes;
  try { bytes = base64urlDecode(key[field]); } catch { throw new Error(`"${field}" is not base64url`); }
  if (bytes.length !== length) throw new Error(`"${field}" has ${bytes.length} bytes, not ${length}`);
  return bytes;
}

/**
 * Parses and checks a party key file as `corridor keygen` writes it: an
 * RFC 8037 JWK with the seed in "d" (or the older form, libsodium's 64-byte
 * "secret_key"). The public key must be the one the seed makes.
 */
export function parseKeyFile(text) {
  let key;
  try { key = JSON.parse(text); } catch { throw new Error('the key file is not JSON'); }
  if (typeof key !== 'object' || key === null) throw new Error('the key file is not a JSON object');
  const jwk = 'kty' in key || 'd' in key;
  for (const field of ['party', 'kid', jwk ? 'd' : 'secret_key']) {
    if (typeof key[field] !== 'string' || !key[field]) throw new Error(`the key file has no "${field}"`);
  }
  const okp = jwk ? key.kty === 'OKP' : true;
  if (!okp || key.crv !== 'Ed25519' || !['EdDSA', 'Ed25519', undefined].includes(key.alg)) {
    throw new Error('the key file is not an Ed25519 (EdDSA) key');
  }
  if (!jwk) return { party: key.party, kid: key.kid, secretKey: bytesOf(key, 'secret_key', 64) };
  const pair = nacl.sign.keyPair.fromSeed(bytesOf(key, 'd', 32));
  if (typeof key.x === 'string' && base64urlEncode(pair.publicKey) !== key.x) {
    throw new Error('"x" is not the public key of "d": the key file is damaged');
  }
  return { party: key.party, kid: key.kid, secretKey: pair.secretKey };
}

/** RFC 3339 UTC with whole seconds: 2026-11-29T12:00:00Z. */
export function rfc3339(date = new Date()) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function makeNonce(length = 24) {
  const bytes = nacl.randomBytes(length);
  return Array.from(bytes, (b) => NONCE_ALPHABET[b & 63]).join('');
}

async function sha256Hex(bytes) {
  if (bytes.length === 0) return EMPTY_SHA256;
  if (!globalThis.crypto?.subtle) throw new Error('SHA-256 needs a secure context (https or localhost)');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The X-Corridor-* headers of a signed request. */
export async function signedHeaders(key, method, target, body = new Uint8Array(), now = new Date()) {
  const time = rfc3339(now);
  const nonce = makeNonce();
  const message = ['corridor-request-v1', method, target, time, nonce, await sha256Hex(body)].join('\n');
  const signature = nacl.sign.detached(new TextEncoder().encode(message), key.secretKey);
  return {
    'X-Corridor-Key': key.kid,
    'X-Corridor-Time': time,
    'X-Corridor-Nonce': nonce,
    'X-Corridor-Signature': base64urlEncode(signature),
  };
}

/** Reads a key file (a File from an <input type=file>) and opens a session: {token, party, role, kid, expires}. */
export async function signInWithKeyFile(file) {
  const key = parseKeyFile(await file.text());
  const path = 'sessions';
  const headers = await signedHeaders(key, 'POST', requestTarget(path));
  return api(path, { method: 'POST', headers, body: '', auth: false });
}
