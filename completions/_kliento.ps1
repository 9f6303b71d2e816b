
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kliento' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kliento'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kliento' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA key (PKCS#8 PEM, created with mode 0600, or in a PKCS#11 token or AWS KMS)')
            [CompletionResult]::new('txt-record', 'txt-record', [CompletionResultType]::ParameterValue, 'Print the _veraid TXT record for an organisation key')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token bundle offline')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show everything in a token bundle and every check')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Exchange a workload JWT for a signature bundle at VeraId Authority')
            [CompletionResult]::new('sign-out', 'sign-out', [CompletionResultType]::ParameterValue, 'Sign out of an OIDC provider: revoke and delete the refresh token `exchange` keeps')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve Kliento Verifier''s HTTP API')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print or write shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write man pages')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Make VeraId artefacts: token bundles, certificates, DNSSEC chains')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;keygen' {
            [CompletionResult]::new('--bits', '--bits', [CompletionResultType]::ParameterName, 'Modulus size in bits')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Private key file to create (`-` for stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Private key file to create (`-` for stdout)')
            [CompletionResult]::new('--public-out', '--public-out', [CompletionResultType]::ParameterName, 'Also write the public key (SubjectPublicKeyInfo PEM) to this file')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Create the key in a PKCS#11 token instead: `pkcs11:token=T;object=LABEL[;id=ID]` with pin-value= or pin-source=file:PATH (module from module-path= or KLIENTO_PKCS11_MODULE); or in AWS KMS: `awskms:///alias/NAME` (standard AWS credentials and region)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing files')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;txt-record' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Organisation key: RSA 2048/3072/4096, a file (private or public, PEM or DER, PKCS#8, PKCS#1 or SubjectPublicKeyInfo; `-` for stdin), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///alias/NAME`), whose public key is read from the token or KMS')
            [CompletionResult]::new('--ttl-override', '--ttl-override', [CompletionResultType]::ParameterName, 'How long before a signature''s end its DNSSEC chain may have been signed: seconds or a duration (90m, 1h, 7d), at most 90 days')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Restrict the key to one service (e.g. 1.3.6.1.4.1.58708.3.0 for Kliento)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Print the zone-file line for _veraid.DOMAIN instead of the bare value (lower-cased)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;verify' {
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Verification time: RFC 3339 or relative to now (-1h) [default: now]')
            [CompletionResult]::new('--trust-anchors', '--trust-anchors', [CompletionResultType]::ParameterName, 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Input encoding, instead of detecting it')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'The audience the token must be for (exact match)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;inspect' {
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to check the token against (without it, the status is at best `valid-except-audience`)')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Verification time: RFC 3339 or relative to now (-1h) [default: now]')
            [CompletionResult]::new('--trust-anchors', '--trust-anchors', [CompletionResultType]::ParameterName, 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Input encoding, instead of detecting it')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;exchange' {
            [CompletionResult]::new('--jwt-source', '--jwt-source', [CompletionResultType]::ParameterName, 'Where the JWT comes from')
            [CompletionResult]::new('--jwt-audience', '--jwt-audience', [CompletionResultType]::ParameterName, 'Audience to ask the JWT source for, when the Authority expects another than the URL')
            [CompletionResult]::new('--jwt-file', '--jwt-file', [CompletionResultType]::ParameterName, 'JWT file (source file); for source kubernetes, replaces the default projected token path /var/run/secrets/kliento/token')
            [CompletionResult]::new('--jwt-env', '--jwt-env', [CompletionResultType]::ParameterName, 'Environment variable holding the JWT (source env)')
            [CompletionResult]::new('--oidc-issuer', '--oidc-issuer', [CompletionResultType]::ParameterName, 'OIDC issuer URL; discovery is at ISSUER/.well-known/openid-configuration')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OIDC client id')
            [CompletionResult]::new('--client-secret-env', '--client-secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the client secret (never pass a secret as a flag value)')
            [CompletionResult]::new('--client-secret-file', '--client-secret-file', [CompletionResultType]::ParameterName, 'File holding the client secret')
            [CompletionResult]::new('--oidc-grant', '--oidc-grant', [CompletionResultType]::ParameterName, 'OIDC grant [default: client-credentials with a client secret, else authorization-code]')
            [CompletionResult]::new('--oidc-token', '--oidc-token', [CompletionResultType]::ParameterName, 'Which token of the provider''s answer to send to the Authority')
            [CompletionResult]::new('--oidc-scope', '--oidc-scope', [CompletionResultType]::ParameterName, 'Scopes to request (space-separated)')
            [CompletionResult]::new('--redirect-port', '--redirect-port', [CompletionResultType]::ParameterName, 'Loopback port for the authorization-code redirect (0: any free port); the provider must accept http://127.0.0.1:PORT/callback')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Output encoding: der (binary), base64, or header (`Kliento <base64>`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the bundle to FILE (created 0600; an existing file is replaced only with --force) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the bundle to FILE (created 0600; an existing file is replaced only with --force) instead of stdout')
            [CompletionResult]::new('--github-output', '--github-output', [CompletionResultType]::ParameterName, 'GitHub Actions: mask the bundle in logs and set it as step output NAME in $GITHUB_OUTPUT (instead of printing it)')
            [CompletionResult]::new('--transfer', '--transfer', [CompletionResultType]::ParameterName, 'How the Authority sends the bundle over HTTP (binary, or base64 text)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request: seconds or a duration (30s, 2m)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts after a network error or a 5xx answer (with exponential backoff)')
            [CompletionResult]::new('--min-validity', '--min-validity', [CompletionResultType]::ParameterName, 'With --cache, how long a kept bundle must still be valid to be reused: seconds or a duration (90s, 5m)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing --output file')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Reuse the bundle kept by an earlier run while it stays valid for --min-validity; else exchange and keep the new one (under $XDG_CACHE_HOME/kliento/, else ~/.cache/kliento/)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither reuse nor keep a bundle: always exchange afresh (wins over --cache and KLIENTO_CACHE=1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;sign-out' {
            [CompletionResult]::new('--oidc-issuer', '--oidc-issuer', [CompletionResultType]::ParameterName, 'OIDC issuer URL, as given to `exchange --oidc-issuer`')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OIDC client id, as given to `exchange --client-id`')
            [CompletionResult]::new('--client-secret-env', '--client-secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the client secret, for providers that authenticate revocation (never pass a secret as a flag value)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request: seconds or a duration (30s, 2m)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on, IPv4 or IPv6 (repeatable, or comma-separated in the variable)')
            [CompletionResult]::new('--trust-anchors', '--trust-anchors', [CompletionResultType]::ParameterName, 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Verification worker threads [default: one per core]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Verifications that may wait for a worker; past that, 503 with Retry-After')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Open connections at most; further clients wait in the listen backlog')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Time for a request''s headers to arrive, counted from when the connection starts waiting for a request (so an idle HTTP/1.1 connection is closed after it too)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Keep-alive: a connection with no request in progress for this long is closed (HTTP/1.1 and HTTP/2)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Time for a request''s body to arrive')
            [CompletionResult]::new('--shutdown-timeout', '--shutdown-timeout', [CompletionResultType]::ParameterName, 'On SIGTERM or SIGINT, time left to answer the requests already accepted')
            [CompletionResult]::new('--cache-entries', '--cache-entries', [CompletionResultType]::ParameterName, 'Verified results kept for bundles sent again (0 disables the cache)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Request log lines on stderr: text or JSON')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;completions' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the script into this directory (with the shell''s usual file name) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the script into this directory (with the shell''s usual file name) instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing script in DIR')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;man' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write one page per command (kliento.1, kliento-txt-record.1, ...) into this directory instead of printing kliento.1')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write one page per command (kliento.1, kliento-txt-record.1, ...) into this directory instead of printing kliento.1')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing pages in DIR')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;issue' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('chain', 'chain', [CompletionResultType]::ParameterValue, 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)')
            [CompletionResult]::new('test-chain', 'test-chain', [CompletionResultType]::ParameterValue, 'Build a DNSSEC chain under a throw-away test root (no DNS needed)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Issue a Kliento token bundle')
            [CompletionResult]::new('org-cert', 'org-cert', [CompletionResultType]::ParameterValue, 'Self-issue an organisation certificate (veraid-js profile)')
            [CompletionResult]::new('member-cert', 'member-cert', [CompletionResultType]::ParameterValue, 'Issue a member certificate for a user or a bot, signed by the organisation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;issue;chain' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The organisation''s domain (the chain covers _veraid.DOMAIN; lower-cased)')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Plain DNS server to ask (UDP, TCP when truncated) instead of DNS-over-HTTPS')
            [CompletionResult]::new('--doh', '--doh', [CompletionResultType]::ParameterName, 'DNS-over-HTTPS endpoint (https, or http to a loopback address)')
            [CompletionResult]::new('--trust-anchors', '--trust-anchors', [CompletionResultType]::ParameterName, 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time to wait for each answer: seconds or a duration (30s, 2m), 1s to 300s')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the chain (DER) here instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the chain (DER) here instead of stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing output file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;issue;test-chain' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Organisation domain (e.g. example.com; lower-cased)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Organisation key: RSA 2048/3072/4096, private or public, PEM or DER (`-` for stdin)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Chain file to write (DER; `-` for stdout, never a terminal)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Chain file to write (DER; `-` for stdout, never a terminal)')
            [CompletionResult]::new('--trust-anchors-out', '--trust-anchors-out', [CompletionResultType]::ParameterName, 'File to write the test root''s DS trust anchor to (one presentation-form line)')
            [CompletionResult]::new('--ttl-override', '--ttl-override', [CompletionResultType]::ParameterName, 'TXT record TTL override: seconds or a duration (90m, 1h, 7d), at most 90 days')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Restrict the TXT record to one service OID')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Inception of every RRSIG: RFC 3339 or relative to now (+1h, -2d)')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'How long every RRSIG stays valid after --start (e.g. 30d, 12h)')
            [CompletionResult]::new('--zone-algorithms', '--zone-algorithms', [CompletionResultType]::ParameterName, 'Signing algorithm of each zone, root first; the last one applies to the zones below')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing output files')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;issue;token' {
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'The server the token is for (compared exactly by verifiers)')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'A claim, KEY=VALUE (repeatable; a repeated KEY keeps the last value)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); not needed for a member signature with --org-cert')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The organisation''s domain (lower-cased: DNS names are case-insensitive)')
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'DNSSEC chain file (DER); without it the chain is retrieved live')
            [CompletionResult]::new('--resolver', '--resolver', [CompletionResultType]::ParameterName, 'Plain DNS server to ask (UDP, TCP when truncated) instead of DNS-over-HTTPS')
            [CompletionResult]::new('--doh', '--doh', [CompletionResultType]::ParameterName, 'DNS-over-HTTPS endpoint (https, or http to a loopback address)')
            [CompletionResult]::new('--trust-anchors', '--trust-anchors', [CompletionResultType]::ParameterName, 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time to wait for each answer: seconds or a duration (30s, 2m), 1s to 300s')
            [CompletionResult]::new('--org-cert', '--org-cert', [CompletionResultType]::ParameterName, 'Organisation certificate (PEM or DER); without it one is self-issued for the token''s validity')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Organisation signature attributed to this user')
            [CompletionResult]::new('--member-cert', '--member-cert', [CompletionResultType]::ParameterName, 'Member signature: the member''s certificate (PEM or DER), issued by --org-cert')
            [CompletionResult]::new('--member-key', '--member-key', [CompletionResultType]::ParameterName, 'Member signature: the member''s private key, a file, a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`)')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds')
            [CompletionResult]::new('--expiry', '--expiry', [CompletionResultType]::ParameterName, 'End of validity: RFC 3339 or relative to now (+30d)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Output encoding: base64, header (`Kliento <base64>`) or der')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the bundle to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the bundle to FILE instead of stdout')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 5m]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--bot', '--bot', [CompletionResultType]::ParameterName, 'Organisation signature attributed to a bot (the default)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing output file')
            [CompletionResult]::new('--allow-invalid', '--allow-invalid', [CompletionResultType]::ParameterName, 'Write the bundle even if it would not verify at its start (for negative tests); warns')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;issue;org-cert' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Organisation private key: RSA 2048/3072/4096, a file (PEM or DER, PKCS#8 or PKCS#1; `-` for stdin), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///alias/NAME`)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Organisation domain name (the certificate''s CN; lower-cased, a trailing dot is dropped)')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds')
            [CompletionResult]::new('--expiry', '--expiry', [CompletionResultType]::ParameterName, 'End of validity: RFC 3339 or relative to now (+30d)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Certificate encoding')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the certificate to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the certificate to FILE instead of stdout')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 90d]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing output file')
            [CompletionResult]::new('--allow-invalid', '--allow-invalid', [CompletionResultType]::ParameterName, 'Write the certificate even if it would not verify (for negative tests); warns')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;issue;member-cert' {
            [CompletionResult]::new('--org-key', '--org-key', [CompletionResultType]::ParameterName, 'Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///KEY`)')
            [CompletionResult]::new('--org-cert', '--org-cert', [CompletionResultType]::ParameterName, 'Organisation certificate, PEM or DER')
            [CompletionResult]::new('--member-key', '--member-key', [CompletionResultType]::ParameterName, 'Member key: RSA, a file (public or private, PEM or DER), a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); only the public half is used')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name (no `@`, tab, CR or LF)')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds')
            [CompletionResult]::new('--expiry', '--expiry', [CompletionResultType]::ParameterName, 'End of validity: RFC 3339 or relative to now (+30d)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Certificate encoding')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the certificate to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the certificate to FILE instead of stdout')
            [CompletionResult]::new('--valid-for', '--valid-for', [CompletionResultType]::ParameterName, 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 90d, capped at the organisation certificate''s expiry]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--bot', '--bot', [CompletionResultType]::ParameterName, 'Issue the certificate for a bot (CN `@`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing output file')
            [CompletionResult]::new('--allow-invalid', '--allow-invalid', [CompletionResultType]::ParameterName, 'Write the certificate even if it would not verify (for negative tests); warns')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;issue;help' {
            [CompletionResult]::new('chain', 'chain', [CompletionResultType]::ParameterValue, 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)')
            [CompletionResult]::new('test-chain', 'test-chain', [CompletionResultType]::ParameterValue, 'Build a DNSSEC chain under a throw-away test root (no DNS needed)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Issue a Kliento token bundle')
            [CompletionResult]::new('org-cert', 'org-cert', [CompletionResultType]::ParameterValue, 'Self-issue an organisation certificate (veraid-js profile)')
            [CompletionResult]::new('member-cert', 'member-cert', [CompletionResultType]::ParameterValue, 'Issue a member certificate for a user or a bot, signed by the organisation')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;issue;help;chain' {
            break
        }
        'kliento;issue;help;test-chain' {
            break
        }
        'kliento;issue;help;token' {
            break
        }
        'kliento;issue;help;org-cert' {
            break
        }
        'kliento;issue;help;member-cert' {
            break
        }
        'kliento;issue;help;help' {
            break
        }
        'kliento;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA key (PKCS#8 PEM, created with mode 0600, or in a PKCS#11 token or AWS KMS)')
            [CompletionResult]::new('txt-record', 'txt-record', [CompletionResultType]::ParameterValue, 'Print the _veraid TXT record for an organisation key')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token bundle offline')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show everything in a token bundle and every check')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Exchange a workload JWT for a signature bundle at VeraId Authority')
            [CompletionResult]::new('sign-out', 'sign-out', [CompletionResultType]::ParameterValue, 'Sign out of an OIDC provider: revoke and delete the refresh token `exchange` keeps')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve Kliento Verifier''s HTTP API')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print or write shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write man pages')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Make VeraId artefacts: token bundles, certificates, DNSSEC chains')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;help;keygen' {
            break
        }
        'kliento;help;txt-record' {
            break
        }
        'kliento;help;verify' {
            break
        }
        'kliento;help;inspect' {
            break
        }
        'kliento;help;exchange' {
            break
        }
        'kliento;help;sign-out' {
            break
        }
        'kliento;help;serve' {
            break
        }
        'kliento;help;completions' {
            break
        }
        'kliento;help;man' {
            break
        }
        'kliento;help;issue' {
            [CompletionResult]::new('chain', 'chain', [CompletionResultType]::ParameterValue, 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)')
            [CompletionResult]::new('test-chain', 'test-chain', [CompletionResultType]::ParameterValue, 'Build a DNSSEC chain under a throw-away test root (no DNS needed)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Issue a Kliento token bundle')
            [CompletionResult]::new('org-cert', 'org-cert', [CompletionResultType]::ParameterValue, 'Self-issue an organisation certificate (veraid-js profile)')
            [CompletionResult]::new('member-cert', 'member-cert', [CompletionResultType]::ParameterValue, 'Issue a member certificate for a user or a bot, signed by the organisation')
            break
        }
        'kliento;help;issue;chain' {
            break
        }
        'kliento;help;issue;test-chain' {
            break
        }
        'kliento;help;issue;token' {
            break
        }
        'kliento;help;issue;org-cert' {
            break
        }
        'kliento;help;issue;member-cert' {
            break
        }
        'kliento;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
