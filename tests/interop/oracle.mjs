// Reference oracle for kliento's interop tests: runs @relaycorp/veraid (the TypeScript reference
// implementation) on JSON read from stdin and prints JSON results on stdout.
//
//   node oracle.mjs <command> < input.json
//
// Each command takes {"cases": [...]} and answers {"results": [...]}, one result per case, in
// order. A case that the reference rejects yields {"error": "<message>"}. Add a command by adding
// an entry to COMMANDS.
import { Crypto } from '@peculiar/webcrypto';
import { generateTxtRdata } from '@relaycorp/veraid';
import { parseTxtRdata } from '@relaycorp/veraid/build/lib/lib/dns/rdataSerialisation.js';

const crypto = new Crypto();
const HASH_BY_MODULUS = { 2048: 'SHA-256', 3072: 'SHA-384', 4096: 'SHA-512' };

function b64(buffer) {
  return Buffer.from(buffer).toString('base64');
}

async function importPublicKey(spkiBase64) {
  return crypto.subtle.importKey(
    'spki',
    Buffer.from(spkiBase64, 'base64'),
    { name: 'RSA-PSS', hash: 'SHA-256' },
    true,
    ['verify'],
  );
}

const COMMANDS = {
  // {modulus} -> {pkcs8, spki}: a fresh RSA-PSS key pair, both halves DER in base64.
  async 'generate-key'({ modulus }) {
    const pair = await crypto.subtle.generateKey(
      {
        name: 'RSA-PSS',
        modulusLength: modulus,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: HASH_BY_MODULUS[modulus] ?? 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    return {
      pkcs8: b64(await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
      spki: b64(await crypto.subtle.exportKey('spki', pair.publicKey)),
    };
  },

  // {spki, ttlOverride, serviceOid?} -> {rdata}: generateTxtRdata over the public key.
  async 'txt-rdata'({ spki, ttlOverride, serviceOid }) {
    const key = await importPublicKey(spki);
    return { rdata: await generateTxtRdata(key, ttlOverride, serviceOid ?? undefined) };
  },

  // {text} -> {keyAlgorithm, keyId, ttlOverride, serviceOid}: parseTxtRdata over a string.
  async 'parse-txt'({ text }) {
    const fields = parseTxtRdata(text);
    return { ...fields, serviceOid: fields.serviceOid ?? null };
  },
};

async function main() {
  const command = COMMANDS[process.argv[2]];
  if (!command) {
    throw new Error(`unknown command ${process.argv[2]}; known: ${Object.keys(COMMANDS).join(', ')}`);
  }
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { cases } = JSON.parse(input);
  // Cases run concurrently (key generation uses every core); results keep the input order.
  const results = await Promise.all(
    cases.map((item) => command(item).catch((error) => ({ error: error.message }))),
  );
  process.stdout.write(JSON.stringify({ results }));
}

await main();
