
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
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA key (PKCS#8 PEM, created with mode 0600)')
            [CompletionResult]::new('txt-record', 'txt-record', [CompletionResultType]::ParameterValue, 'Print the _veraid TXT record for an organisation key')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Make VeraId artefacts: DNSSEC chains, certificates, tokens')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Exchange a workload JWT for a signature bundle at VeraId Authority')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print or write shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;keygen' {
            [CompletionResult]::new('--bits', '--bits', [CompletionResultType]::ParameterName, 'Modulus size in bits')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Private key file to create (`-` for stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Private key file to create (`-` for stdout)')
            [CompletionResult]::new('--public-out', '--public-out', [CompletionResultType]::ParameterName, 'Also write the public key (SubjectPublicKeyInfo PEM) to this file')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing files')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;txt-record' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Organisation key: RSA 2048/3072/4096, private or public, PEM or DER, PKCS#8, PKCS#1 or SubjectPublicKeyInfo (`-` for stdin)')
            [CompletionResult]::new('--ttl-override', '--ttl-override', [CompletionResultType]::ParameterName, 'How long before a signature''s end its DNSSEC chain may have been signed: seconds or a duration (90m, 1h, 7d), at most 90 days')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Restrict the key to one service (e.g. 1.3.6.1.4.1.58708.3.0 for Kliento)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Print the zone-file line for _veraid.DOMAIN instead of the bare value')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
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
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('test-chain', 'test-chain', [CompletionResultType]::ParameterValue, 'Build a DNSSEC chain under a throw-away test root (no DNS needed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;issue;test-chain' {
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Organisation domain (e.g. example.com)')
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
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;issue;help' {
            [CompletionResult]::new('test-chain', 'test-chain', [CompletionResultType]::ParameterValue, 'Build a DNSSEC chain under a throw-away test root (no DNS needed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;issue;help;test-chain' {
            break
        }
        'kliento;issue;help;help' {
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
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the bundle to FILE (created 0600, replaced if present) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the bundle to FILE (created 0600, replaced if present) instead of stdout')
            [CompletionResult]::new('--github-output', '--github-output', [CompletionResultType]::ParameterName, 'GitHub Actions: mask the bundle in logs and set it as step output NAME in $GITHUB_OUTPUT (instead of printing it)')
            [CompletionResult]::new('--transfer', '--transfer', [CompletionResultType]::ParameterName, 'How the Authority sends the bundle over HTTP (binary, or base64 text)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request: seconds or a duration (30s, 2m)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts after a network error or a 5xx answer (with exponential backoff)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: human-readable text, or one JSON document on stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour diagnostics: auto (terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kliento;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA key (PKCS#8 PEM, created with mode 0600)')
            [CompletionResult]::new('txt-record', 'txt-record', [CompletionResultType]::ParameterValue, 'Print the _veraid TXT record for an organisation key')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Make VeraId artefacts: DNSSEC chains, certificates, tokens')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'Exchange a workload JWT for a signature bundle at VeraId Authority')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print or write shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print or write man pages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kliento;help;keygen' {
            break
        }
        'kliento;help;txt-record' {
            break
        }
        'kliento;help;issue' {
            [CompletionResult]::new('test-chain', 'test-chain', [CompletionResultType]::ParameterValue, 'Build a DNSSEC chain under a throw-away test root (no DNS needed)')
            break
        }
        'kliento;help;issue;test-chain' {
            break
        }
        'kliento;help;exchange' {
            break
        }
        'kliento;help;completions' {
            break
        }
        'kliento;help;man' {
            break
        }
        'kliento;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
