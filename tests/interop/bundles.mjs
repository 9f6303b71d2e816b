// Token bundle oracle for kliento's interop tests (tests/it/interop_bundles.rs): issues Kliento token
// bundles with @relaycorp/veraid 3.1.2 over a @relaycorp/dnssec MockChain, and verifies bundles
// as kliento-js's TokenBundle.verify does (VeraId verification bound to the Kliento service,
// then the token's JSON, then its audience).
//
//   node bundles.mjs <command> < input.json
//
// Same protocol as oracle.mjs: {"cases": [...]} in, {"results": [...]} out, one per case; a case
// the reference rejects yields {"error": "<message chain>"}. Bundles are base64 DER; dates are
// ISO 8601 strings; trust anchors are zone-file DS lines (`. IN DS <tag> 8 2 <hex>`).
import { Crypto } from '@peculiar/webcrypto';
import { DnsClass, DnsRecord, MockChain, RrSet, SecurityStatus } from '@relaycorp/dnssec';
import {
  Certificate,
  MemberIdBundle,
  OrganisationSigner,
  SignatureBundle,
  VeraidDnssecChain,
  generateTxtRdata,
  issueMemberCertificate,
  selfIssueOrganisationCertificate,
} from '@relaycorp/veraid';
import { NODE_ENGINE } from '@relaycorp/veraid/build/lib/lib/utils/pkijs.js';

const crypto = new Crypto();
const KLIENTO_OID = '1.3.6.1.4.1.58708.3.0';
const HASH_BY_MODULUS = { 2048: 'SHA-256', 3072: 'SHA-384', 4096: 'SHA-512' };

const b64 = (buffer) => Buffer.from(buffer).toString('base64');
const unb64 = (text) => {
  const buffer = Buffer.from(text, 'base64');
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
};

// The message of an error and of each of its causes, joined by ": ".
function errorChain(error) {
  const messages = [];
  for (let e = error; e; e = e.cause) messages.push(e.message);
  return messages.join(': ');
}

function anchorLine(anchor) {
  const digest = Buffer.from(anchor.digest).toString('hex').toUpperCase();
  return `. IN DS ${anchor.keyTag} ${anchor.algorithm} ${anchor.digestType} ${digest}\n`;
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

async function generateKeyPair(modulus) {
  return crypto.subtle.generateKey(
    {
      name: 'RSA-PSS',
      modulusLength: modulus,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: HASH_BY_MODULUS[modulus],
    },
    true,
    ['sign', 'verify'],
  );
}

// MockChain makes three RSA keys per zone hierarchy: make them once per process.
const MOCK_CHAINS = new Map();
function mockZones(zone) {
  if (!MOCK_CHAINS.has(zone)) MOCK_CHAINS.set(zone, MockChain.generate(`${zone}.`));
  return MOCK_CHAINS.get(zone);
}

// A MockChain for `zone` whose _veraid TXT record binds `txtKey`, signed for [start, end].
async function mockChain(zone, txtKey, start, end) {
  const rdata = await generateTxtRdata(txtKey, 3600);
  const record = new DnsRecord(`_veraid.${zone}.`, 'TXT', DnsClass.IN, 42, rdata);
  const rrset = RrSet.init(record.makeQuestion(), [record]);
  const mock = await mockZones(zone);
  const fixture = mock.generateFixture(rrset, SecurityStatus.SECURE, { start, end });
  const responses = fixture.responses.map((message) => {
    const bytes = Buffer.from(message.serialise());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  });
  return { responses, anchors: fixture.trustAnchors.map(anchorLine).join('') };
}

// `certificate` re-signed with RSASSA-PKCS1-v1_5 by `privateKey`'s key material.
async function resignWithPkcs1(certificate, privateKey) {
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', privateKey);
  const pkcs1Key = await crypto.subtle.importKey(
    'pkcs8',
    pkcs8,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    true,
    ['sign'],
  );
  const pkijsCertificate = certificate.pkijsCertificate;
  await pkijsCertificate.sign(pkcs1Key, 'SHA-256', NODE_ENGINE);
  return Certificate.deserialize(new Certificate(pkijsCertificate).serialize());
}

// Replaces the first occurrence of `from` in `bytes` by `to` (same length).
function replaceBytes(bytes, from, to) {
  const buffer = Buffer.from(bytes);
  const at = buffer.indexOf(Buffer.from(from));
  if (at < 0 || from.length !== to.length) {
    throw new Error(`cannot replace ${from} by ${to}`);
  }
  Buffer.from(to).copy(buffer, at);
  return buffer;
}

const COMMANDS = {
  // {bits, signer: user|bot|member-user|member-bot, user?, token, start, expiry, certStart,
  //  certExpiry, chainStart, chainEnd, fault?: service|tampered-plaintext|other-key|pkcs1-org-cert
  //  |other-domain} -> {bundle, anchors}: a token bundle as kliento-js's TokenBundle.sign makes
  //  it (encapsulated JSON, Kliento OID), with the given fault.
  async issue(item) {
    const { bits, signer, user, token, fault } = item;
    const org = await generateKeyPair(bits);
    const txtKey = fault === 'other-key' ? (await generateKeyPair(bits)).publicKey : org.publicKey;
    const zone = fault === 'other-domain' ? 'example.org' : 'example.com';
    const chainData = await mockChain(zone, txtKey, new Date(item.chainStart), new Date(item.chainEnd));
    const chain = new VeraidDnssecChain('example.com', chainData.responses);
    let orgCertificate = await selfIssueOrganisationCertificate(
      'example.com',
      org,
      new Date(item.certExpiry),
      { startDate: new Date(item.certStart) },
    );
    let signerObject;
    let signingKey = org.privateKey;
    if (signer.startsWith('member-')) {
      const member = await generateKeyPair(2048);
      const memberCertificate = await issueMemberCertificate(
        signer === 'member-user' ? user : undefined,
        member.publicKey,
        orgCertificate,
        org.privateKey,
        new Date(item.certExpiry),
        { startDate: new Date(item.certStart) },
      );
      if (fault === 'pkcs1-org-cert') {
        orgCertificate = await resignWithPkcs1(orgCertificate, org.privateKey);
      }
      signerObject = new MemberIdBundle(chain, orgCertificate, memberCertificate);
      signingKey = member.privateKey;
    } else {
      if (fault === 'pkcs1-org-cert') {
        orgCertificate = await resignWithPkcs1(orgCertificate, org.privateKey);
      }
      signerObject = new OrganisationSigner(chain, orgCertificate, signer === 'user' ? user : undefined);
    }
    const plaintext = Buffer.from(JSON.stringify(token));
    const bundle = await SignatureBundle.sign(
      plaintext.buffer.slice(plaintext.byteOffset, plaintext.byteOffset + plaintext.byteLength),
      fault === 'service' ? '1.3.6.1.4.1.58708.1.1' : KLIENTO_OID,
      signerObject,
      signingKey,
      new Date(item.expiry),
      { startDate: new Date(item.start), shouldEncapsulatePlaintext: true },
    );
    let bytes = Buffer.from(bundle.serialise());
    if (fault === 'tampered-plaintext') {
      bytes = replaceBytes(bytes, `"${token.audience}"`, `"${token.audience.replace(/.$/u, '_')}"`);
    }
    return { bundle: b64(bytes), anchors: chainData.anchors };
  },

  // {bundle, audience, at, anchors} -> {subjectId, claims, audience, member, wasSignedByMember}
  //   or {error}: kliento-js TokenBundle.verify on veraid-js, at `at`.
  async verify({ bundle, audience, at, anchors }) {
    const signatureBundle = SignatureBundle.deserialise(unb64(bundle));
    let verification;
    try {
      verification = await signatureBundle.verify(
        undefined,
        KLIENTO_OID,
        new Date(at),
        parseAnchors(anchors),
      );
    } catch (error) {
      throw new Error('Invalid VeraId signature bundle', { cause: error });
    }
    let token;
    try {
      token = JSON.parse(Buffer.from(verification.plaintext).toString('utf8'));
    } catch (error) {
      throw new Error('Malformed token', { cause: error });
    }
    if (token.audience !== audience) {
      throw new Error(`Audience mismatch: Expected ${audience}, got ${token.audience}`);
    }
    const { organisation, user } = verification.member;
    return {
      subjectId: user === undefined ? organisation : `${user}@${organisation}`,
      claims: token.claims ?? {},
      audience: token.audience,
      member: verification.member,
      wasSignedByMember: verification.wasSignedByMember,
    };
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
  const results = [];
  // One at a time: key generation is CPU-bound, and the MockChain cache is filled once.
  for (const item of cases) {
    results.push(await command(item).catch((error) => ({ error: errorChain(error) })));
  }
  process.stdout.write(JSON.stringify({ results }));
}

await main();
