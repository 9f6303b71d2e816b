// A Kliento Verifier for compatibility tests and benchmarks of `kliento serve`: the HTTP API
// documented for @veraid/kliento-verifier (kliento-authority digest §3), written here from that
// documentation on @relaycorp/veraid 3.1.2 (the real package is not in the npm registry; no code
// of it is copied). kliento-js's TokenBundle steps (digest §1.4-§1.6) are re-implemented the
// same way.
//
//   node verifier.mjs [--port N] [--trust-anchors FILE]
//
// Prints one JSON line {"url": "http://127.0.0.1:PORT"}, then serves until killed.
// - POST / only; anything else is 404 text/plain "404 Not Found" (as Hono answers).
// - ?audience= (first occurrence, `+` as a space); missing or empty: 400, checked first.
// - Content-Type, an exact string: absent or application/vnd.kliento.token-bundle (the DER
//   bytes), application/vnd.kliento.auth-header (`Kliento <base64>`); else 415.
// - 200 {"claims","status":"valid","subject"} / {"error","status":"invalid"|"malformed"}.
// Unlike the real one, --trust-anchors replaces the IANA root anchors, so that bundles on test
// chains verify.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';

const interop = new URL('../interop/node_modules/', import.meta.url);
const veraid = await import(new URL('@relaycorp/veraid/build/lib/index.js', interop));

const KLIENTO_OID = '1.3.6.1.4.1.58708.3.0';
const MAX_SIZE = 16384;
const BUNDLE_TYPE = 'application/vnd.kliento.token-bundle';
const HEADER_TYPE = 'application/vnd.kliento.auth-header';

function option(name) {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

function parseAnchors(text) {
  return text
    .split('\n')
    .map((line) => line.split(';')[0].trim())
    .filter((line) => line !== '')
    .map((line) => {
      const fields = line.split(/\s+/u);
      const at = fields.findIndex((field) => field.toUpperCase() === 'DS');
      const [keyTag, algorithm, digestType, ...hex] = fields.slice(at + 1);
      return {
        keyTag: Number(keyTag),
        algorithm: Number(algorithm),
        digestType: Number(digestType),
        digest: Buffer.from(hex.join(''), 'hex'),
      };
    });
}

const anchorsFile = option('--trust-anchors');
const trustAnchors = anchorsFile ? parseAnchors(readFileSync(anchorsFile, 'utf8')) : undefined;

class MalformedError extends Error {}
class InvalidError extends Error {}

// TokenBundle.deserialise: the size limit, then the signature bundle's structure.
function deserialise(bytes) {
  if (bytes.byteLength > MAX_SIZE) {
    throw new MalformedError('Token serialisation is malformed', {
      cause: new Error('Token bundle is too large'),
    });
  }
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return veraid.SignatureBundle.deserialise(buffer);
  } catch (error) {
    throw new MalformedError('Token serialisation is malformed', { cause: error });
  }
}

// TokenBundle.deserialiseFromAuthHeader: "kliento " in any case, then lenient base64.
function deserialiseFromAuthHeader(value) {
  if (value.slice(0, 8).toLowerCase() !== 'kliento ') {
    throw new MalformedError('Authorization scheme must be "Kliento"');
  }
  return deserialise(Buffer.from(value.slice(8), 'base64'));
}

// The token: lenient UTF-8, JSON, an object with a string audience and string claims.
function parseToken(plaintext) {
  let token;
  try {
    token = JSON.parse(new TextDecoder().decode(plaintext));
  } catch (error) {
    throw new InvalidError('Malformed token', { cause: new Error('Malformed JSON value') });
  }
  const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const valid =
    isObject(token) &&
    typeof token.audience === 'string' &&
    (token.claims === undefined ||
      (isObject(token.claims) && Object.values(token.claims).every((v) => typeof v === 'string')));
  if (!valid) {
    throw new InvalidError('Malformed token', { cause: new Error('Invalid token serialisation') });
  }
  return { audience: token.audience, claims: token.claims ?? {} };
}

// TokenBundle.verify(audience): VeraId verification bound to the Kliento service, then the
// token, then the audience.
async function verify(bundle, audience) {
  let verification;
  try {
    verification = await bundle.verify(undefined, KLIENTO_OID, new Date(), trustAnchors);
  } catch (error) {
    throw new InvalidError('Invalid VeraId signature bundle', { cause: error });
  }
  const token = parseToken(verification.plaintext);
  if (token.audience !== audience) {
    throw new InvalidError(`Audience mismatch: Expected ${audience}, got ${token.audience}`);
  }
  const { organisation, user } = verification.member;
  return { subjectId: user === undefined ? organisation : `${user}@${organisation}`, claims: token.claims };
}

function send(response, status, body, type = 'application/json') {
  const text = type === 'application/json' ? JSON.stringify(body) : body;
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function handle(request, response) {
  const url = new URL(request.url, 'http://localhost');
  if (request.method !== 'POST' || url.pathname !== '/') {
    send(response, 404, '404 Not Found', 'text/plain; charset=UTF-8');
    return;
  }
  const audience = url.searchParams.get('audience');
  if (!audience) {
    send(response, 400, { error: 'Audience is missing from the query string' });
    return;
  }
  const contentType = request.headers['content-type'];
  let parse;
  if (contentType === undefined || contentType === BUNDLE_TYPE) {
    parse = (body) => deserialise(body);
  } else if (contentType === HEADER_TYPE) {
    parse = (body) => deserialiseFromAuthHeader(body.toString('utf8'));
  } else {
    send(response, 415, { error: 'Unrecognised content type' });
    return;
  }
  const body = await readBody(request);
  let bundle;
  try {
    bundle = parse(body);
  } catch (error) {
    send(response, 200, { error: error.message, status: 'malformed' });
    return;
  }
  try {
    const { subjectId, claims } = await verify(bundle, audience);
    send(response, 200, { claims, status: 'valid', subject: subjectId });
  } catch (error) {
    send(response, 200, { error: error.message, status: 'invalid' });
  }
}

const server = http.createServer((request, response) => {
  handle(request, response).catch((error) => {
    if (!response.headersSent) send(response, 500, { error: String(error?.message ?? error) });
  });
});
server.listen(Number(option('--port') ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
