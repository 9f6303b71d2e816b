
use builtin;
use str;

set edit:completion:arg-completer[kliento] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kliento'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kliento'= {
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate an RSA key (PKCS#8 PEM, created with mode 0600, or in a PKCS#11 token or AWS KMS)'
            cand txt-record 'Print the _veraid TXT record for an organisation key'
            cand verify 'Verify a token bundle offline'
            cand inspect 'Show everything in a token bundle and every check'
            cand exchange 'Exchange a workload JWT for a signature bundle at VeraId Authority'
            cand sign-out 'Sign out of an OIDC provider: revoke and delete the refresh token `exchange` keeps'
            cand serve 'Serve Kliento Verifier''s HTTP API'
            cand completions 'Print or write shell completions'
            cand man 'Print or write man pages'
            cand issue 'Make VeraId artefacts: token bundles, certificates, DNSSEC chains'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;keygen'= {
            cand --bits 'Modulus size in bits'
            cand -o 'Private key file to create (`-` for stdout)'
            cand --output 'Private key file to create (`-` for stdout)'
            cand --public-out 'Also write the public key (SubjectPublicKeyInfo PEM) to this file'
            cand --key 'Create the key in a PKCS#11 token instead: `pkcs11:token=T;object=LABEL[;id=ID]` with pin-value= or pin-source=file:PATH (module from module-path= or KLIENTO_PKCS11_MODULE); or in AWS KMS: `awskms:///alias/NAME` (standard AWS credentials and region)'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace existing files'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;txt-record'= {
            cand --key 'Organisation key: RSA 2048/3072/4096, a file (private or public, PEM or DER, PKCS#8, PKCS#1 or SubjectPublicKeyInfo; `-` for stdin), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///alias/NAME`), whose public key is read from the token or KMS'
            cand --ttl-override 'How long before a signature''s end its DNSSEC chain may have been signed: seconds or a duration (90m, 1h, 7d), at most 90 days'
            cand --service 'Restrict the key to one service (e.g. 1.3.6.1.4.1.58708.3.0 for Kliento)'
            cand --domain 'Print the zone-file line for _veraid.DOMAIN instead of the bare value (lower-cased)'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;verify'= {
            cand --at 'Verification time: RFC 3339 or relative to now (-1h) [default: now]'
            cand --trust-anchors 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs'
            cand --input-format 'Input encoding, instead of detecting it'
            cand --audience 'The audience the token must be for (exact match)'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;inspect'= {
            cand --audience 'Audience to check the token against (without it, the status is at best `valid-except-audience`)'
            cand --at 'Verification time: RFC 3339 or relative to now (-1h) [default: now]'
            cand --trust-anchors 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs'
            cand --input-format 'Input encoding, instead of detecting it'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;exchange'= {
            cand --jwt-source 'Where the JWT comes from'
            cand --jwt-audience 'Audience to ask the JWT source for, when the Authority expects another than the URL'
            cand --jwt-file 'JWT file (source file); for source kubernetes, replaces the default projected token path /var/run/secrets/kliento/token'
            cand --jwt-env 'Environment variable holding the JWT (source env)'
            cand --oidc-issuer 'OIDC issuer URL; discovery is at ISSUER/.well-known/openid-configuration'
            cand --client-id 'OIDC client id'
            cand --client-secret-env 'Environment variable holding the client secret (never pass a secret as a flag value)'
            cand --client-secret-file 'File holding the client secret'
            cand --oidc-grant 'OIDC grant [default: client-credentials with a client secret, else authorization-code]'
            cand --oidc-token 'Which token of the provider''s answer to send to the Authority'
            cand --oidc-scope 'Scopes to request (space-separated)'
            cand --redirect-port 'Loopback port for the authorization-code redirect (0: any free port); the provider must accept http://127.0.0.1:PORT/callback'
            cand --encoding 'Output encoding: der (binary), base64, or header (`Kliento <base64>`)'
            cand -o 'Write the bundle to FILE (created 0600; an existing file is replaced only with --force) instead of stdout'
            cand --output 'Write the bundle to FILE (created 0600; an existing file is replaced only with --force) instead of stdout'
            cand --github-output 'GitHub Actions: mask the bundle in logs and set it as step output NAME in $GITHUB_OUTPUT (instead of printing it)'
            cand --transfer 'How the Authority sends the bundle over HTTP (binary, or base64 text)'
            cand --timeout 'Timeout of each HTTP request: seconds or a duration (30s, 2m)'
            cand --retries 'Extra attempts after a network error or a 5xx answer (with exponential backoff)'
            cand --min-validity 'With --cache, how long a kept bundle must still be valid to be reused: seconds or a duration (90s, 5m)'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace an existing --output file'
            cand --cache 'Reuse the bundle kept by an earlier run while it stays valid for --min-validity; else exchange and keep the new one (under $XDG_CACHE_HOME/kliento/, else ~/.cache/kliento/)'
            cand --no-cache 'Neither reuse nor keep a bundle: always exchange afresh (wins over --cache and KLIENTO_CACHE=1)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;sign-out'= {
            cand --oidc-issuer 'OIDC issuer URL, as given to `exchange --oidc-issuer`'
            cand --client-id 'OIDC client id, as given to `exchange --client-id`'
            cand --client-secret-env 'Environment variable holding the client secret, for providers that authenticate revocation (never pass a secret as a flag value)'
            cand --timeout 'Timeout of each HTTP request: seconds or a duration (30s, 2m)'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;serve'= {
            cand --listen 'Address to listen on, IPv4 or IPv6 (repeatable, or comma-separated in the variable)'
            cand --trust-anchors 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs'
            cand --workers 'Verification worker threads [default: one per core]'
            cand --queue 'Verifications that may wait for a worker; past that, 503 with Retry-After'
            cand --max-connections 'Open connections at most; further clients wait in the listen backlog'
            cand --header-timeout 'Time for a request''s headers to arrive, counted from when the connection starts waiting for a request (so an idle HTTP/1.1 connection is closed after it too)'
            cand --idle-timeout 'Keep-alive: a connection with no request in progress for this long is closed (HTTP/1.1 and HTTP/2)'
            cand --body-timeout 'Time for a request''s body to arrive'
            cand --shutdown-timeout 'On SIGTERM or SIGINT, time left to answer the requests already accepted'
            cand --cache-entries 'Verified results kept for bundles sent again (0 disables the cache)'
            cand --log-format 'Request log lines on stderr: text or JSON'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;completions'= {
            cand -o 'Write the script into this directory (with the shell''s usual file name) instead of stdout'
            cand --output 'Write the script into this directory (with the shell''s usual file name) instead of stdout'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace an existing script in DIR'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;man'= {
            cand -o 'Write one page per command (kliento.1, kliento-txt-record.1, ...) into this directory instead of printing kliento.1'
            cand --output 'Write one page per command (kliento.1, kliento-txt-record.1, ...) into this directory instead of printing kliento.1'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace existing pages in DIR'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue'= {
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand chain 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)'
            cand test-chain 'Build a DNSSEC chain under a throw-away test root (no DNS needed)'
            cand token 'Issue a Kliento token bundle'
            cand org-cert 'Self-issue an organisation certificate (veraid-js profile)'
            cand member-cert 'Issue a member certificate for a user or a bot, signed by the organisation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;issue;chain'= {
            cand --domain 'The organisation''s domain (the chain covers _veraid.DOMAIN; lower-cased)'
            cand --resolver 'Plain DNS server to ask (UDP, TCP when truncated) instead of DNS-over-HTTPS'
            cand --doh 'DNS-over-HTTPS endpoint (https, or http to a loopback address)'
            cand --trust-anchors 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs'
            cand --timeout 'Time to wait for each answer: seconds or a duration (30s, 2m), 1s to 300s'
            cand -o 'Write the chain (DER) here instead of stdout'
            cand --output 'Write the chain (DER) here instead of stdout'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace an existing output file'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue;test-chain'= {
            cand --domain 'Organisation domain (e.g. example.com; lower-cased)'
            cand --key 'Organisation key: RSA 2048/3072/4096, private or public, PEM or DER (`-` for stdin)'
            cand -o 'Chain file to write (DER; `-` for stdout, never a terminal)'
            cand --output 'Chain file to write (DER; `-` for stdout, never a terminal)'
            cand --trust-anchors-out 'File to write the test root''s DS trust anchor to (one presentation-form line)'
            cand --ttl-override 'TXT record TTL override: seconds or a duration (90m, 1h, 7d), at most 90 days'
            cand --service 'Restrict the TXT record to one service OID'
            cand --start 'Inception of every RRSIG: RFC 3339 or relative to now (+1h, -2d)'
            cand --valid-for 'How long every RRSIG stays valid after --start (e.g. 30d, 12h)'
            cand --zone-algorithms 'Signing algorithm of each zone, root first; the last one applies to the zones below'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace existing output files'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue;token'= {
            cand --audience 'The server the token is for (compared exactly by verifiers)'
            cand --claim 'A claim, KEY=VALUE (repeatable; a repeated KEY keeps the last value)'
            cand --key 'Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); not needed for a member signature with --org-cert'
            cand --domain 'The organisation''s domain (lower-cased: DNS names are case-insensitive)'
            cand --chain 'DNSSEC chain file (DER); without it the chain is retrieved live'
            cand --resolver 'Plain DNS server to ask (UDP, TCP when truncated) instead of DNS-over-HTTPS'
            cand --doh 'DNS-over-HTTPS endpoint (https, or http to a loopback address)'
            cand --trust-anchors 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs'
            cand --timeout 'Time to wait for each answer: seconds or a duration (30s, 2m), 1s to 300s'
            cand --org-cert 'Organisation certificate (PEM or DER); without it one is self-issued for the token''s validity'
            cand --user 'Organisation signature attributed to this user'
            cand --member-cert 'Member signature: the member''s certificate (PEM or DER), issued by --org-cert'
            cand --member-key 'Member signature: the member''s private key, a file, a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`)'
            cand --start 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds'
            cand --expiry 'End of validity: RFC 3339 or relative to now (+30d)'
            cand --encoding 'Output encoding: base64, header (`Kliento <base64>`) or der'
            cand -o 'Write the bundle to FILE instead of stdout'
            cand --output 'Write the bundle to FILE instead of stdout'
            cand --valid-for 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 5m]'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --bot 'Organisation signature attributed to a bot (the default)'
            cand --force 'Replace an existing output file'
            cand --allow-invalid 'Write the bundle even if it would not verify at its start (for negative tests); warns'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue;org-cert'= {
            cand --key 'Organisation private key: RSA 2048/3072/4096, a file (PEM or DER, PKCS#8 or PKCS#1; `-` for stdin), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///alias/NAME`)'
            cand --domain 'Organisation domain name (the certificate''s CN; lower-cased, a trailing dot is dropped)'
            cand --start 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds'
            cand --expiry 'End of validity: RFC 3339 or relative to now (+30d)'
            cand --encoding 'Certificate encoding'
            cand -o 'Write the certificate to FILE instead of stdout'
            cand --output 'Write the certificate to FILE instead of stdout'
            cand --valid-for 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 90d]'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace an existing output file'
            cand --allow-invalid 'Write the certificate even if it would not verify (for negative tests); warns'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue;member-cert'= {
            cand --org-key 'Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///KEY`)'
            cand --org-cert 'Organisation certificate, PEM or DER'
            cand --member-key 'Member key: RSA, a file (public or private, PEM or DER), a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); only the public half is used'
            cand --user 'User name (no `@`, tab, CR or LF)'
            cand --start 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds'
            cand --expiry 'End of validity: RFC 3339 or relative to now (+30d)'
            cand --encoding 'Certificate encoding'
            cand -o 'Write the certificate to FILE instead of stdout'
            cand --output 'Write the certificate to FILE instead of stdout'
            cand --valid-for 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 90d, capped at the organisation certificate''s expiry]'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --bot 'Issue the certificate for a bot (CN `@`)'
            cand --force 'Replace an existing output file'
            cand --allow-invalid 'Write the certificate even if it would not verify (for negative tests); warns'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand --verbose 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue;help'= {
            cand chain 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)'
            cand test-chain 'Build a DNSSEC chain under a throw-away test root (no DNS needed)'
            cand token 'Issue a Kliento token bundle'
            cand org-cert 'Self-issue an organisation certificate (veraid-js profile)'
            cand member-cert 'Issue a member certificate for a user or a bot, signed by the organisation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;issue;help;chain'= {
        }
        &'kliento;issue;help;test-chain'= {
        }
        &'kliento;issue;help;token'= {
        }
        &'kliento;issue;help;org-cert'= {
        }
        &'kliento;issue;help;member-cert'= {
        }
        &'kliento;issue;help;help'= {
        }
        &'kliento;help'= {
            cand keygen 'Generate an RSA key (PKCS#8 PEM, created with mode 0600, or in a PKCS#11 token or AWS KMS)'
            cand txt-record 'Print the _veraid TXT record for an organisation key'
            cand verify 'Verify a token bundle offline'
            cand inspect 'Show everything in a token bundle and every check'
            cand exchange 'Exchange a workload JWT for a signature bundle at VeraId Authority'
            cand sign-out 'Sign out of an OIDC provider: revoke and delete the refresh token `exchange` keeps'
            cand serve 'Serve Kliento Verifier''s HTTP API'
            cand completions 'Print or write shell completions'
            cand man 'Print or write man pages'
            cand issue 'Make VeraId artefacts: token bundles, certificates, DNSSEC chains'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;help;keygen'= {
        }
        &'kliento;help;txt-record'= {
        }
        &'kliento;help;verify'= {
        }
        &'kliento;help;inspect'= {
        }
        &'kliento;help;exchange'= {
        }
        &'kliento;help;sign-out'= {
        }
        &'kliento;help;serve'= {
        }
        &'kliento;help;completions'= {
        }
        &'kliento;help;man'= {
        }
        &'kliento;help;issue'= {
            cand chain 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)'
            cand test-chain 'Build a DNSSEC chain under a throw-away test root (no DNS needed)'
            cand token 'Issue a Kliento token bundle'
            cand org-cert 'Self-issue an organisation certificate (veraid-js profile)'
            cand member-cert 'Issue a member certificate for a user or a bot, signed by the organisation'
        }
        &'kliento;help;issue;chain'= {
        }
        &'kliento;help;issue;test-chain'= {
        }
        &'kliento;help;issue;token'= {
        }
        &'kliento;help;issue;org-cert'= {
        }
        &'kliento;help;issue;member-cert'= {
        }
        &'kliento;help;help'= {
        }
    ]
    $completions[$command]
}
