// Times @relaycorp/veraid 3.1.2 verifying one Kliento token bundle, as kliento-js's
// TokenBundle.verify does it (SignatureBundle.deserialise, verify bound to the Kliento service
// at a given instant with the given root anchors, JSON token, audience), for
// scripts/bench-vs-veraid-js.sh.
//
//   node bench.mjs DIR [ITERATIONS]
//
// DIR holds bundle.der, anchors.ds (zone-file DS lines), audience and at (ISO 8601). Prints a
// human line and `VERAID_JS_NS_PER_VERIFICATION=<mean>`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureBundle } from '@relaycorp/veraid';

const KLIENTO_OID = '1.3.6.1.4.1.58708.3.0';

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

const [dir, iterationsArg] = process.argv.slice(2);
const iterations = Number(iterationsArg ?? 200);
const read = (name) => readFileSync(join(dir, name));
const der = read('bundle.der');
const bundleBytes = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength);
const anchors = parseAnchors(read('anchors.ds').toString('utf8'));
const audience = read('audience').toString('utf8').trim();
const at = new Date(read('at').toString('utf8').trim());

async function verify() {
  const bundle = SignatureBundle.deserialise(bundleBytes);
  const { plaintext, member } = await bundle.verify(undefined, KLIENTO_OID, at, anchors);
  const token = JSON.parse(Buffer.from(plaintext).toString('utf8'));
  if (token.audience !== audience) {
    throw new Error(`Audience mismatch: Expected ${audience}, got ${token.audience}`);
  }
  return member.user === undefined ? member.organisation : `${member.user}@${member.organisation}`;
}

const subject = await verify();
for (let i = 0; i < Math.min(20, iterations); i += 1) await verify();
const started = process.hrtime.bigint();
for (let i = 0; i < iterations; i += 1) await verify();
const nanos = Number(process.hrtime.bigint() - started) / iterations;
console.log(
  `veraid-js: ${(nanos / 1000).toFixed(1)} µs per token bundle (${der.length} bytes, ` +
    `valid for ${subject}), mean of ${iterations}`,
);
console.log(`VERAID_JS_NS_PER_VERIFICATION=${Math.round(nanos)}`);
