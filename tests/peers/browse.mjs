// A minimal "browser" for authorization-code tests: follows the redirects from an
// authorization URL (carrying cookies), through the provider's sign-in and consent, to the
// client's loopback redirect, and prints the body the client's redirect page answered.
//
// Usage: node browse.mjs AUTHORIZATION_URL [REPLACE_STATE | --deny]
// With REPLACE_STATE, the state in the final redirect is replaced (to test the client's check);
// with --deny, the final redirect carries error=access_denied instead of the code.

const [start, replaceState] = process.argv.slice(2);
const jar = new Map();
let url = start;
for (let hop = 0; hop < 20; hop += 1) {
  const target = new URL(url);
  if (target.pathname === '/callback' && replaceState === '--deny') {
    target.searchParams.delete('code');
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'the user said no');
  } else if (target.pathname === '/callback' && replaceState) {
    target.searchParams.set('state', replaceState);
  }
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(target, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    url = new URL(location, target).href;
    continue;
  }
  process.stdout.write(`${response.status} ${await response.text()}\n`);
  process.exit(0);
}
process.stderr.write('too many redirects\n');
process.exit(1);
