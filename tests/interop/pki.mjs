// Certificate and CMS SignedData oracle for kliento's interop tests: issues, parses, signs and
// verifies with @relaycorp/veraid 3.1.2 (and the pkijs objects under it).
//
//   node pki.mjs <command> < input.json
//
// Same protocol as oracle.mjs: {"cases": [...]} in, {"results": [...]} out, one per case; a case
// the reference rejects yields {"error": "<message chain>"}. Binary values are base64 (DER);
// dates are ISO 8601 strings.
import { Crypto } from '@peculiar/webcrypto';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Integer } from 'asn1js';
import {
  Certificate,
  MemberIdBundle,
  OrganisationSigner,
  SignatureBundle,
  VeraidDnssecChain,
  issueMemberCertificate,
  selfIssueOrganisationCertificate,
} from '@relaycorp/veraid';
import { SignedData } from '@relaycorp/veraid/build/lib/lib/utils/cms/SignedData.js';
import { SignatureMetadataSchema } from '@relaycorp/veraid/build/lib/lib/schemas/SignatureMetadataSchema.js';
import { NODE_ENGINE } from '@relaycorp/veraid/build/lib/lib/utils/pkijs.js';

const crypto = new Crypto();
const METADATA_ATTR = '1.3.6.1.4.1.58708.1.0';
const ATTRIBUTION_ATTR = '1.3.6.1.4.1.58708.1.2';

const b64 = (buffer) => Buffer.from(buffer).toString('base64');
const unb64 = (text) => {
  const buffer = Buffer.from(text, 'base64');
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
};

// A PKCS#8 RSA key as a @peculiar/webcrypto RSA-PSS key pair whose configured hash is `hash`.
async function importKeyPair(pkcs8, hash = 'SHA-256') {
  const algorithm = { name: 'RSA-PSS', hash };
  const privateKey = await crypto.subtle.importKey('pkcs8', unb64(pkcs8), algorithm, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const publicJwk = { kty: jwk.kty, n: jwk.n, e: jwk.e, alg: jwk.alg, ext: true };
  const publicKey = await crypto.subtle.importKey('jwk', publicJwk, algorithm, true, ['verify']);
  return { privateKey, publicKey };
}

function describe(certificate) {
  return {
    commonName: certificate.commonName,
    start: certificate.validityPeriod.start.toISOString(),
    end: certificate.validityPeriod.end.toISOString(),
    serial: Buffer.from(certificate.serialNumber).toString('hex'),
  };
}

// The message of an error and of each of its causes, joined by ": ".
function errorChain(error) {
  const messages = [];
  for (let e = error; e; e = e.cause) messages.push(e.message);
  return messages.join(': ');
}

// A placeholder chain: signing never reads it (SignatureBundle.sign only carries it along).
const noChain = (domain) => new VeraidDnssecChain(domain, []);

const COMMANDS = {
  // {orgKey, memberKey?, hash?, domain, member?: {user|null}, start, expiry, memberExpiry?}
  //   -> {orgCert, memberCert?}: certificates issued by veraid-js.
  async 'issue-certs'({ orgKey, memberKey, hash, domain, member, start, expiry, memberExpiry }) {
    const org = await importKeyPair(orgKey, hash);
    const orgCertificate = await selfIssueOrganisationCertificate(domain, org, new Date(expiry), {
      startDate: new Date(start),
    });
    const result = { orgCert: b64(orgCertificate.serialize()) };
    if (member) {
      const memberPair = await importKeyPair(memberKey);
      const memberCertificate = await issueMemberCertificate(
        member.user ?? undefined,
        memberPair.publicKey,
        orgCertificate,
        org.privateKey,
        new Date(memberExpiry ?? expiry),
        { startDate: new Date(start) },
      );
      result.memberCert = b64(memberCertificate.serialize());
    }
    return result;
  },

  // {orgKey, orgCert, serialHex} -> {cert}: `orgCert` re-issued with a serial whose INTEGER
  // content is exactly `serialHex` (e.g. non-minimal 0012...), signed as veraid-js signs.
  async 'reissue-with-serial'({ orgKey, orgCert, serialHex }) {
    const org = await importKeyPair(orgKey);
    const certificate = Certificate.deserialize(unb64(orgCert));
    const pkijsCert = certificate.pkijsCertificate;
    pkijsCert.serialNumber = new Integer({ valueHex: new Uint8Array(Buffer.from(serialHex, 'hex')) });
    await pkijsCert.sign(org.privateKey, 'SHA-256', NODE_ENGINE);
    const reissued = new Certificate(pkijsCert);
    // Make sure veraid-js reads its own output back.
    const reread = Certificate.deserialize(reissued.serialize());
    return { cert: b64(reissued.serialize()), serial: describe(reread).serial };
  },

  // {orgCert, memberCert?} -> {org, member?, path}: what veraid-js reads, and whether
  // memberCert (or orgCert itself) chains to orgCert as SignatureBundle.verify checks it.
  async 'check-certs'({ orgCert, memberCert }) {
    const org = Certificate.deserialize(unb64(orgCert));
    const result = { org: describe(org) };
    let leaf = org;
    if (memberCert) {
      leaf = Certificate.deserialize(unb64(memberCert));
      result.member = describe(leaf);
    }
    try {
      const path = await leaf.getCertificationPath([], [org]);
      result.path = { ok: true, length: path.length };
    } catch (error) {
      result.path = { ok: false, error: errorChain(error) };
    }
    return result;
  },

  // {key, hash?, orgCert, memberCert?, user? (org signatures; null = bot), plaintext, serviceOid,
  //  start, expiry, encapsulate} -> {signedData}: SignatureBundle.sign's SignedData.
  async sign({ key, hash, orgCert, memberCert, user, plaintext, serviceOid, start, expiry, encapsulate }) {
    const pair = await importKeyPair(key, hash);
    const org = Certificate.deserialize(unb64(orgCert));
    const chain = noChain(org.commonName);
    const signer = memberCert
      ? new MemberIdBundle(chain, org, Certificate.deserialize(unb64(memberCert)))
      : new OrganisationSigner(chain, org, user ?? undefined);
    const bundle = await SignatureBundle.sign(
      unb64(plaintext),
      serviceOid,
      signer,
      pair.privateKey,
      new Date(expiry),
      { startDate: new Date(start), shouldEncapsulatePlaintext: encapsulate },
    );
    return { signedData: b64(AsnSerializer.serialize(bundle.signature)) };
  },

  // {signedData, plaintext|null, orgCert} -> {plaintext, wasSignedByMember, attribution,
  //   signerCommonName, serviceOid, start, end}: SignatureBundle.verifySignature's CMS steps.
  async 'verify-signature'({ signedData, plaintext, orgCert }) {
    const parsed = SignedData.deserialize(unb64(signedData));
    const org = Certificate.deserialize(unb64(orgCert));
    const attribution = parsed.getSignedAttribute(ATTRIBUTION_ATTR);
    const isOrgSignature = attribution !== null;
    await parsed.verify(plaintext === null ? undefined : unb64(plaintext), isOrgSignature ? org : undefined);
    const [metadataValue] = parsed.getSignedAttribute(METADATA_ATTR);
    const metadata = AsnParser.parse(metadataValue.toBER(), SignatureMetadataSchema);
    const signer = isOrgSignature ? org : parsed.signerCertificate;
    return {
      plaintext: b64(plaintext === null ? parsed.plaintext : unb64(plaintext)),
      wasSignedByMember: !isOrgSignature,
      attribution: isOrgSignature ? attribution[0].getValue() : null,
      signerCommonName: signer.commonName,
      serviceOid: metadata.serviceOid,
      start: metadata.validityPeriod.start.toISOString(),
      end: metadata.validityPeriod.end.toISOString(),
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
  const results = await Promise.all(
    cases.map((item) => command(item).catch((error) => ({ error: errorChain(error) }))),
  );
  process.stdout.write(JSON.stringify({ results }));
}

await main();
