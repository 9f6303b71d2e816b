// DNSSEC interop oracle for kliento's tests (run from tests/interop after `npm ci`), driven like
// oracle.mjs: `node dnssec.mjs COMMAND` reads {"cases": [...]} on stdin and prints
// {"results": [...]}, one result per case.
//
//   fixtures: case { dir }. Writes @relaycorp/dnssec MockChain fixtures for _veraid.example.com
//     (one per status: SECURE, BOGUS, INSECURE, INDETERMINATE) as DIR/<STATUS>.der (DnssecChain
//     DER, as VeraidDnssecChain.serialise writes it) and DIR/<STATUS>.anchors (the mock root DS).
//     Result: for each status, dnssec-js's own verdict on the DER and the window it used.
//
//   verify: case { der, anchors, domain, start, end, window: {start, end} } (paths and RFC 3339
//     times). Result: what dnssec-js says at `window` (dnssecLookUp over veraid-js's offline
//     resolver) and what VeraidDnssecChain.verify says for the period [start, end].
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnParser } from '@peculiar/asn1-schema';
import {
  DnsClass,
  DnsRecord,
  Message,
  MockChain,
  Question,
  RrSet,
  SecurityStatus,
  dnssecLookUp,
} from '@relaycorp/dnssec';
import { VeraidDnssecChain } from '@relaycorp/veraid';
import { DatePeriod } from '@relaycorp/veraid/build/lib/lib/dates.js';
import { DnssecChainSchema } from '@relaycorp/veraid/build/lib/lib/schemas/DnssecChainSchema.js';
import { parseTxtRdata } from '@relaycorp/veraid/build/lib/lib/dns/rdataSerialisation.js';

const TXT_RDATA = '1 LWXQVKQjBF7FkDWwFMfQvFsiB/qlgx1fL4FQcHLu6KM= 3600';
const SERVICE_OID = '1.3.6.1.4.1.58708.1.1';

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

function readChain(der) {
  const schema = AsnParser.parse(der, DnssecChainSchema);
  return Array.from(schema, (item) => Buffer.from(item));
}

// veraid-js's offline resolver: the first message answering the question, else NXDOMAIN.
function offlineResolver(messages) {
  return async (question) =>
    messages.find((message) => message.answersQuestion(question)) ??
    new Message({ rcode: 3 }, [question], []);
}

async function lookUp(rawMessages, domain, anchors, window) {
  let messages;
  try {
    messages = rawMessages.map((raw) => Message.deserialise(raw));
  } catch (error) {
    return { error: `malformed: ${error.message}` };
  }
  const question = new Question(`_veraid.${domain}`, 'TXT', DnsClass.IN);
  try {
    const result = await dnssecLookUp(question, offlineResolver(messages), {
      trustAnchors: anchors,
      dateOrPeriod: window,
    });
    return { status: result.status, reasons: result.reasonChain ?? [] };
  } catch (error) {
    return { error: error.message };
  }
}

function keySpecFromChain(rawMessages, domain) {
  const question = new Question(`_veraid.${domain}`, 'TXT', DnsClass.IN);
  for (const raw of rawMessages) {
    try {
      const message = Message.deserialise(raw);
      if (message.answersQuestion(question)) {
        const txt = message.answers.find((record) => record.typeId === 16);
        if (txt) {
          return parseTxtRdata(txt.dataFields);
        }
      }
    } catch {
      // Malformed messages are reported by the verification itself.
    }
  }
  return parseTxtRdata(TXT_RDATA);
}

async function veraidVerify(rawMessages, domain, anchors, period) {
  const chain = new VeraidDnssecChain(domain, rawMessages.map((raw) => new Uint8Array(raw).buffer));
  const keySpec = keySpecFromChain(rawMessages, domain);
  try {
    await chain.verify(keySpec, SERVICE_OID, DatePeriod.init(period.start, period.end), anchors);
    return 'OK';
  } catch (error) {
    const causes = [];
    for (let e = error; e; e = e.cause) causes.push(e.message);
    return causes.join(' <- ');
  }
}

async function fixtures({ dir: outDir }) {
  const mockChain = await MockChain.generate('example.com.');
  const record = new DnsRecord('_veraid.example.com.', 'TXT', DnsClass.IN, 42, TXT_RDATA);
  const rrset = RrSet.init(record.makeQuestion(), [record]);
  const start = new Date('2026-01-01T00:00:00Z');
  const end = new Date('2026-02-01T00:00:00Z');
  const window = { start: new Date('2026-01-15T00:00:00Z'), end: new Date('2026-01-15T00:00:00Z') };
  const summary = {};
  for (const status of [
    SecurityStatus.SECURE,
    SecurityStatus.BOGUS,
    SecurityStatus.INSECURE,
    SecurityStatus.INDETERMINATE,
  ]) {
    const fixture = mockChain.generateFixture(rrset, status, { start, end });
    const raw = fixture.responses.map((message) => Buffer.from(message.serialise()));
    const chain = new VeraidDnssecChain('example.com', raw.map((b) => new Uint8Array(b).buffer));
    const der = Buffer.from(chain.serialise());
    writeFileSync(join(outDir, `${status}.der`), der);
    writeFileSync(join(outDir, `${status}.anchors`), fixture.trustAnchors.map(anchorLine).join(''));
    const verdict = await lookUp(readChain(der), 'example.com', fixture.trustAnchors, window);
    summary[status] = { verdict, window: { start: window.start, end: window.end } };
  }
  return summary;
}

async function verify(item) {
  const anchors = parseAnchors(readFileSync(item.anchors, 'utf8'));
  let raw;
  try {
    raw = readChain(readFileSync(item.der));
  } catch (error) {
    return { lookup: { error: `bad DER: ${error.message}` }, veraid: error.message };
  }
  const window = { start: new Date(item.window.start), end: new Date(item.window.end) };
  const period = { start: new Date(item.start), end: new Date(item.end) };
  return {
    lookup: await lookUp(raw, item.domain, anchors, window),
    veraid: await veraidVerify(raw, item.domain, anchors, period),
  };
}

const COMMANDS = { fixtures, verify };
const command = COMMANDS[process.argv[2]];
if (!command) {
  process.stderr.write('usage: node dnssec.mjs fixtures|verify < {"cases": [...]}\n');
  process.exit(2);
}
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { cases } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = [];
for (const item of cases) {
  results.push(await command(item));
}
process.stdout.write(`${JSON.stringify({ results })}\n`);
