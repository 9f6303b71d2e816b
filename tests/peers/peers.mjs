// Loopback peers for `kliento exchange` tests, all in one process on 127.0.0.1:
//
// - an OpenID provider (oidc-provider) with issuer http://127.0.0.1:<port>/oidc and three
//   clients: `workload` (client credentials), `developer` (authorization code + PKCE + refresh,
//   public native client), `developer-id` (same, for ID-token tests); access tokens are RS256
//   JWTs whose audience is the requested resource (RFC 8707);
// - platform token endpoints signing with the provider's key: GitHub Actions style
//   (/github/token), GCP metadata style (/computeMetadata/...) and Azure IMDS style
//   (/metadata/identity/oauth2/token);
// - a VeraId Authority exchange endpoint following kliento-authority digest §4.1: route
//   /credentials/signatureBundles/{specId}, Bearer parsing, JWKS discovery from the issuer,
//   issuer/audience/expiry/iat checks with jose, problem types, Accept negotiation, and a real
//   signature bundle signed by @relaycorp/veraid over a mock DNSSEC chain.
//
// Prints one JSON line with the URLs and secrets the tests need, then serves until killed.

import http from 'node:http';
import { Buffer } from 'node:buffer';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const interop = new URL('../interop/node_modules/', import.meta.url);
const veraid = await import(new URL('@relaycorp/veraid/build/lib/index.js', interop));
const dnssec = await import(new URL('@relaycorp/dnssec/build/lib/index.js', interop));
const { Crypto } = await import(new URL('@peculiar/webcrypto/build/webcrypto.es.js', interop));

const KLIENTO_OID = '1.3.6.1.4.1.58708.3.0';
const PROBLEMS = 'https://veraid.net/problems/';
const ORG = 'example.com';
const GITHUB_REQUEST_TOKEN = 'github-request-token-' + crypto.randomUUID();
const WORKLOAD_SECRET = 'workload-secret-' + crypto.randomUUID();

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

// ---- signing key shared by the provider and the platform endpoints ----
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await jose.exportJWK(privateKey)), kid: 'peers-1', alg: 'RS256', use: 'sig' };

// ---- OpenID provider ----
const providerServer = http.createServer();
const providerPort = await listen(providerServer);
const issuer = `http://127.0.0.1:${providerPort}/oidc`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'workload',
      client_secret: WORKLOAD_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    ...['developer', 'developer-id'].map((client_id) => ({
      client_id,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    })),
  ],
  jwks: { keys: [privateJwk] },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  scopes: ['openid', 'offline_access', 'exchange'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => ({
        scope: 'exchange',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  issueRefreshToken: () => true,
  interactions: { url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  ttl: { AccessToken: 600, IdToken: 600, RefreshToken: 3600, Interaction: 600, Session: 600, Grant: 3600 },
});
const providerCallback = provider.callback();

// The "user" signs in and consents at once: the tests drive the browser part with browse.mjs.
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    return provider.interactionFinished(req, res, { login: { accountId: 'alice' } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  grant.addOIDCScope('openid offline_access');
  if (params.resource) grant.addResourceScope(params.resource, 'exchange');
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

providerServer.on('request', (req, res) => {
  if (!req.url.startsWith('/oidc')) {
    res.writeHead(404).end();
    return;
  }
  if (req.url.startsWith('/oidc/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500).end(String(error));
    });
    return;
  }
  // Mount under /oidc the way express does: strip the prefix, keep originalUrl.
  req.originalUrl = req.url;
  req.url = req.url.slice('/oidc'.length) || '/';
  providerCallback(req, res);
});

// ---- platform token endpoints ----
async function platformToken(audience, subject, { iatOffset = 0, expOffset = 600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ sub: subject })
    .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now + iatOffset)
    .setExpirationTime(now + expOffset)
    .sign(privateKey);
}

const platformServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const audience = url.searchParams.get('audience') ?? url.searchParams.get('resource');
  try {
    if (url.pathname === '/github/token') {
      if (req.headers.authorization !== `Bearer ${GITHUB_REQUEST_TOKEN}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
        return;
      }
      if (url.searchParams.get('api-version') !== '2.0' || !audience) {
        res.writeHead(400).end();
        return;
      }
      const value = await platformToken(audience, 'repo:octo/app:ref:refs/heads/main');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value }));
    } else if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/identity') {
      if (req.headers['metadata-flavor'] !== 'Google' || url.searchParams.get('format') !== 'full' || !audience) {
        res.writeHead(403).end('Missing Metadata-Flavor:Google header.');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/text', 'metadata-flavor': 'Google' }).end(await platformToken(audience, '1234567890'));
    } else if (url.pathname === '/metadata/identity/oauth2/token') {
      if (req.headers.metadata !== 'true' || !audience) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request","error_description":"Required metadata header not specified"}');
        return;
      }
      const accessToken = await platformToken(audience, 'azure-managed-identity');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', resource: audience }));
    } else if (url.pathname === '/verify') {
      // Verifies a bundle the way a Kliento server would, with the mock chain's trust anchors.
      const bundle = veraid.SignatureBundle.deserialise(Buffer.from(url.searchParams.get('bundle'), 'base64'));
      const { plaintext: signed, member } = await bundle.verify(undefined, KLIENTO_OID, new Date(), fixture.trustAnchors);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: Buffer.from(signed).toString(), member }));
    } else if (url.pathname === '/mint') {
      // Tokens with chosen timing, for the Authority's expiry and iat checks.
      const token = await platformToken(audience, 'minted', {
        iatOffset: Number(url.searchParams.get('iat') ?? 0),
        expOffset: Number(url.searchParams.get('exp') ?? 600),
      });
      res.writeHead(200, { 'content-type': 'application/jwt' }).end(token);
    } else {
      res.writeHead(404).end();
    }
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
const platformPort = await listen(platformServer);

// ---- VeraId organisation: key, mock DNSSEC chain, certificate ----
const webcrypto = new Crypto();
const orgKeys = await webcrypto.subtle.generateKey(
  { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  true,
  ['sign', 'verify'],
);
const now = new Date();
const later = new Date(now.getTime() + 86_400_000);
const mockChain = await dnssec.MockChain.generate(ORG + '.');
const rdata = await veraid.generateTxtRdata(orgKeys.publicKey, 3600, KLIENTO_OID);
const txt = new dnssec.DnsRecord(`_veraid.${ORG}.`, 'TXT', 'IN', 3600, rdata);
const rrset = dnssec.RrSet.init(txt.makeQuestion(), [txt]);
const fixture = mockChain.generateFixture(rrset, dnssec.SecurityStatus.SECURE, {
  start: new Date(now.getTime() - 3_600_000),
  end: later,
});
const chain = await veraid.VeraidDnssecChain.retrieve(ORG, fixture);
const orgCertificate = await veraid.selfIssueOrganisationCertificate(ORG, orgKeys, later, {
  startDate: new Date(now.getTime() - 60_000),
});
const plaintext = Buffer.from(JSON.stringify({ audience: 'https://api.example.com' }));

// ---- VeraId Authority exchange endpoint ----
// Signature specs by id; each names the issuer whose JWTs it accepts and a member name.
const specs = new Map([
  ['3f1c0e5e-5c1a-4a59-9b3e-0d1f6b7a2c11', { issuer, member: 'alice', ttlSeconds: 3600 }],
  ['9a2b7c4d-1e2f-4a5b-8c6d-7e8f9a0b1c2d', { issuer, member: null, ttlSeconds: 60, dnssecDown: true }],
  ['5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f', { issuer: `http://127.0.0.1:${platformPort}/no-such-issuer`, member: null, ttlSeconds: 60 }],
]);
const jwksCache = new Map();

class Problem extends Error {
  constructor(status, type) {
    super(type);
    this.status = status;
    this.type = type;
  }
}

async function jwksFor(issuerUrl) {
  // The Authority re-serialises the issuer with a WHATWG URL parser before discovery.
  const href = new URL(issuerUrl).href;
  if (jwksCache.has(href)) return [href, jwksCache.get(href)];
  try {
    const discovery = await fetch(`${href}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
    if (discovery.status !== 200) throw new Error('discovery');
    const { jwks_uri: jwksUri } = await discovery.json();
    if (typeof jwksUri !== 'string') throw new Error('jwks_uri');
    const keys = await fetch(jwksUri, { signal: AbortSignal.timeout(5000) });
    if (keys.status !== 200) throw new Error('jwks');
    const jwks = await keys.json();
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error('keys');
    const keySet = jose.createLocalJWKSet(jwks);
    jwksCache.set(href, keySet);
    return [href, keySet];
  } catch {
    throw new Problem(503, 'jwt-verification-jwks-retrieval-error');
  }
}

async function issueBundle(req, spec, specId) {
  const parts = (req.headers.authorization ?? '').split(' ');
  if (parts[0] !== 'Bearer' || parts.length < 2) return { status: 401 };
  if (!spec) throw new Problem(404, 'signature-bundle-issuance-spec-not-found');
  const [issuerHref, keySet] = await jwksFor(spec.issuer);
  const proto = req.headers['x-forwarded-proto'] ?? 'http';
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  let claims;
  try {
    ({ payload: claims } = await jose.jwtVerify(parts[1], keySet, {
      issuer: issuerHref,
      audience: `${proto}://${host}${req.url}`,
    }));
  } catch (error) {
    const expired = error instanceof jose.errors.JWTExpired;
    throw new Problem(401, expired ? 'jwt-verification-expired-jwt' : 'jwt-verification-invalid-jwt');
  }
  if (claims.iat !== undefined && claims.iat < Date.now() / 1000 - 3600) {
    throw new Problem(401, 'jwt-verification-expired-jwt');
  }
  if (spec.dnssecDown) throw new Problem(503, 'dnssec-chain-retrieval-failed');
  const start = new Date();
  const ttlEnd = Math.floor(start.getTime() / 1000) * 1000 + spec.ttlSeconds * 1000;
  const expiry = new Date(Math.min(ttlEnd, claims.exp * 1000));
  const signer = new veraid.OrganisationSigner(chain, orgCertificate, spec.member ?? undefined);
  const bundle = await veraid.SignatureBundle.sign(plaintext, KLIENTO_OID, signer, orgKeys.privateKey, expiry, {
    shouldEncapsulatePlaintext: true,
    startDate: start,
  });
  return { status: 200, bundle: Buffer.from(bundle.serialise()), specId };
}

const authorityServer = http.createServer(async (req, res) => {
  const match = /^\/credentials\/signatureBundles\/([^/?]+)$/.exec(req.url.split('?')[0]);
  if (req.method !== 'GET' || !match) {
    res.writeHead(404).end();
    return;
  }
  try {
    const outcome = await issueBundle(req, specs.get(match[1]), match[1]);
    if (outcome.status === 401) {
      res.writeHead(401).end();
      return;
    }
    if (req.headers.accept === 'application/vnd.veraid.signature-bundle+base64') {
      res.writeHead(200, { 'content-type': 'application/vnd.veraid.signature-bundle+base64' });
      res.end(outcome.bundle.toString('base64'));
    } else {
      res.writeHead(200, { 'content-type': 'application/vnd.veraid.signature-bundle' });
      res.end(outcome.bundle);
    }
  } catch (error) {
    if (error instanceof Problem) {
      res.writeHead(error.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: PROBLEMS + error.type }));
    } else {
      res.writeHead(500).end(String(error));
    }
  }
});
const authorityPort = await listen(authorityServer);

const authority = `http://127.0.0.1:${authorityPort}/credentials/signatureBundles`;
process.stdout.write(
  JSON.stringify({
    issuer,
    exchangeUrl: `${authority}/3f1c0e5e-5c1a-4a59-9b3e-0d1f6b7a2c11`,
    dnssecDownUrl: `${authority}/9a2b7c4d-1e2f-4a5b-8c6d-7e8f9a0b1c2d`,
    badIssuerUrl: `${authority}/5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f`,
    unknownSpecUrl: `${authority}/00000000-0000-4000-8000-000000000000`,
    platform: `http://127.0.0.1:${platformPort}`,
    githubRequestUrl: `http://127.0.0.1:${platformPort}/github/token?api-version=2.0`,
    githubRequestToken: GITHUB_REQUEST_TOKEN,
    workloadSecret: WORKLOAD_SECRET,
  }) + '\n',
);

// Serve until the test process closes our stdin (so a killed test run leaves no server behind).
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
