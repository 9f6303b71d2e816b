# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kliento_global_optspecs
    string join \n format= q/quiet v/verbose color= h/help V/version
end

function __fish_kliento_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kliento_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kliento_using_subcommand
    set -l cmd (__fish_kliento_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kliento -n "__fish_kliento_needs_command" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_needs_command" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_needs_command" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_needs_command" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "keygen" -d 'Generate an RSA key (PKCS#8 PEM, created with mode 0600, or in a PKCS#11 token or AWS KMS)'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "txt-record" -d 'Print the _veraid TXT record for an organisation key'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "verify" -d 'Verify a token bundle offline'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "inspect" -d 'Show everything in a token bundle and every check'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "exchange" -d 'Exchange a workload JWT for a signature bundle at VeraId Authority'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "sign-out" -d 'Sign out of an OIDC provider: revoke and delete the refresh token `exchange` keeps'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "serve" -d 'Serve Kliento Verifier\'s HTTP API'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "completions" -d 'Print or write shell completions'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "man" -d 'Print or write man pages'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "issue" -d 'Make VeraId artefacts: token bundles, certificates, DNSSEC chains'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l bits -d 'Modulus size in bits' -r -f -a "2048\t''
3072\t''
4096\t''"
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s o -l output -d 'Private key file to create (`-` for stdout)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l public-out -d 'Also write the public key (SubjectPublicKeyInfo PEM) to this file' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l key -d 'Create the key in a PKCS#11 token instead: `pkcs11:token=T;object=LABEL[;id=ID]` with pin-value= or pin-source=file:PATH (module from module-path= or KLIENTO_PKCS11_MODULE); or in AWS KMS: `awskms:///alias/NAME` (standard AWS credentials and region)' -r
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l force -d 'Replace existing files'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l key -d 'Organisation key: RSA 2048/3072/4096, a file (private or public, PEM or DER, PKCS#8, PKCS#1 or SubjectPublicKeyInfo; `-` for stdin), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///alias/NAME`), whose public key is read from the token or KMS' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l ttl-override -d 'How long before a signature\'s end its DNSSEC chain may have been signed: seconds or a duration (90m, 1h, 7d), at most 90 days' -r
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l service -d 'Restrict the key to one service (e.g. 1.3.6.1.4.1.58708.3.0 for Kliento)' -r
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l domain -d 'Print the zone-file line for _veraid.DOMAIN instead of the bare value (lower-cased)' -r
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand verify" -l at -d 'Verification time: RFC 3339 or relative to now (-1h) [default: now]' -r
complete -c kliento -n "__fish_kliento_using_subcommand verify" -l trust-anchors -d 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand verify" -l input-format -d 'Input encoding, instead of detecting it' -r -f -a "der\t'Binary DER'
base64\t'Base64 (standard or URL-safe, padding optional)'
header\t'`Kliento <base64>` (a leading `Authorization:` is tolerated)'"
complete -c kliento -n "__fish_kliento_using_subcommand verify" -l audience -d 'The audience the token must be for (exact match)' -r
complete -c kliento -n "__fish_kliento_using_subcommand verify" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand verify" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand verify" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand verify" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand verify" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -l audience -d 'Audience to check the token against (without it, the status is at best `valid-except-audience`)' -r
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -l at -d 'Verification time: RFC 3339 or relative to now (-1h) [default: now]' -r
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -l trust-anchors -d 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -l input-format -d 'Input encoding, instead of detecting it' -r -f -a "der\t'Binary DER'
base64\t'Base64 (standard or URL-safe, padding optional)'
header\t'`Kliento <base64>` (a leading `Authorization:` is tolerated)'"
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l jwt-source -d 'Where the JWT comes from' -r -f -a "auto\t'The first source that applies (see the order above)'
github\t'GitHub Actions OIDC token (needs `permissions: id-token: write`)'
gcp\t'Google Cloud metadata server identity token'
kubernetes\t'Kubernetes projected service-account token file'
azure\t'Azure managed identity (IMDS)'
aws\t'AWS STS GetWebIdentityToken with the standard AWS credentials (outbound federation)'
file\t'A file (--jwt-file)'
env\t'An environment variable (--jwt-env)'
oidc\t'An OpenID Connect provider (--oidc-issuer, --client-id)'"
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l jwt-audience -d 'Audience to ask the JWT source for, when the Authority expects another than the URL' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l jwt-file -d 'JWT file (source file); for source kubernetes, replaces the default projected token path /var/run/secrets/kliento/token' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l jwt-env -d 'Environment variable holding the JWT (source env)' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l oidc-issuer -d 'OIDC issuer URL; discovery is at ISSUER/.well-known/openid-configuration' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l client-id -d 'OIDC client id' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l client-secret-env -d 'Environment variable holding the client secret (never pass a secret as a flag value)' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l client-secret-file -d 'File holding the client secret' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l oidc-grant -d 'OIDC grant [default: client-credentials with a client secret, else authorization-code]' -r -f -a "client-credentials\t'Client credentials (machine workloads; needs a client secret)'
authorization-code\t'Browser sign-in with PKCE, then silent refresh with the stored refresh token'"
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l oidc-token -d 'Which token of the provider\'s answer to send to the Authority' -r -f -a "access\t'The access token (a JWT for the requested resource)'
id\t'The ID token'"
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l oidc-scope -d 'Scopes to request (space-separated)' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l redirect-port -d 'Loopback port for the authorization-code redirect (0: any free port); the provider must accept http://127.0.0.1:PORT/callback' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l encoding -d 'Output encoding: der (binary), base64, or header (`Kliento <base64>`)' -r -f -a "base64\t'Standard base64 on one line'
header\t'An Authorization header value: `Kliento <base64>`'
der\t'Binary DER (never written to a terminal)'"
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -s o -l output -d 'Write the bundle to FILE (created 0600; an existing file is replaced only with --force) instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l github-output -d 'GitHub Actions: mask the bundle in logs and set it as step output NAME in $GITHUB_OUTPUT (instead of printing it)' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l transfer -d 'How the Authority sends the bundle over HTTP (binary, or base64 text)' -r -f -a "binary\t'application/vnd.veraid.signature-bundle'
base64\t'application/vnd.veraid.signature-bundle+base64'"
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l timeout -d 'Timeout of each HTTP request: seconds or a duration (30s, 2m)' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l retries -d 'Extra attempts after a network error or a 5xx answer (with exponential backoff)' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l min-validity -d 'With --cache, how long a kept bundle must still be valid to be reused: seconds or a duration (90s, 5m)' -r
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l force -d 'Replace an existing --output file'
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l cache -d 'Reuse the bundle kept by an earlier run while it stays valid for --min-validity; else exchange and keep the new one (under $XDG_CACHE_HOME/kliento/, else ~/.cache/kliento/)'
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -l no-cache -d 'Neither reuse nor keep a bundle: always exchange afresh (wins over --cache and KLIENTO_CACHE=1)'
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand exchange" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -l oidc-issuer -d 'OIDC issuer URL, as given to `exchange --oidc-issuer`' -r
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -l client-id -d 'OIDC client id, as given to `exchange --client-id`' -r
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -l client-secret-env -d 'Environment variable holding the client secret, for providers that authenticate revocation (never pass a secret as a flag value)' -r
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -l timeout -d 'Timeout of each HTTP request: seconds or a duration (30s, 2m)' -r
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand sign-out" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l listen -d 'Address to listen on, IPv4 or IPv6 (repeatable, or comma-separated in the variable)' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l trust-anchors -d 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l workers -d 'Verification worker threads [default: one per core]' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l queue -d 'Verifications that may wait for a worker; past that, 503 with Retry-After' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l max-connections -d 'Open connections at most; further clients wait in the listen backlog' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l header-timeout -d 'Time for a request\'s headers to arrive, counted from when the connection starts waiting for a request (so an idle HTTP/1.1 connection is closed after it too)' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l idle-timeout -d 'Keep-alive: a connection with no request in progress for this long is closed (HTTP/1.1 and HTTP/2)' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l body-timeout -d 'Time for a request\'s body to arrive' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l shutdown-timeout -d 'On SIGTERM or SIGINT, time left to answer the requests already accepted' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l cache-entries -d 'Verified results kept for bundles sent again (0 disables the cache)' -r
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l log-format -d 'Request log lines on stderr: text or JSON' -r -f -a "text\t'One line of text'
json\t'One JSON object per line'"
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand serve" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand serve" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand serve" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand serve" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s o -l output -d 'Write the script into this directory (with the shell\'s usual file name) instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand completions" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand completions" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand completions" -l force -d 'Replace an existing script in DIR'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s o -l output -d 'Write one page per command (kliento.1, kliento-txt-record.1, ...) into this directory instead of printing kliento.1' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand man" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand man" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand man" -l force -d 'Replace existing pages in DIR'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -f -a "chain" -d 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -f -a "test-chain" -d 'Build a DNSSEC chain under a throw-away test root (no DNS needed)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -f -a "token" -d 'Issue a Kliento token bundle'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -f -a "org-cert" -d 'Self-issue an organisation certificate (veraid-js profile)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -f -a "member-cert" -d 'Issue a member certificate for a user or a bot, signed by the organisation'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from chain test-chain token org-cert member-cert help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l domain -d 'The organisation\'s domain (the chain covers _veraid.DOMAIN; lower-cased)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l resolver -d 'Plain DNS server to ask (UDP, TCP when truncated) instead of DNS-over-HTTPS' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l doh -d 'DNS-over-HTTPS endpoint (https, or http to a loopback address)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l trust-anchors -d 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l timeout -d 'Time to wait for each answer: seconds or a duration (30s, 2m), 1s to 300s' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -s o -l output -d 'Write the chain (DER) here instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -l force -d 'Replace an existing output file'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from chain" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l domain -d 'Organisation domain (e.g. example.com; lower-cased)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l key -d 'Organisation key: RSA 2048/3072/4096, private or public, PEM or DER (`-` for stdin)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -s o -l output -d 'Chain file to write (DER; `-` for stdout, never a terminal)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l trust-anchors-out -d 'File to write the test root\'s DS trust anchor to (one presentation-form line)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l ttl-override -d 'TXT record TTL override: seconds or a duration (90m, 1h, 7d), at most 90 days' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l service -d 'Restrict the TXT record to one service OID' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l start -d 'Inception of every RRSIG: RFC 3339 or relative to now (+1h, -2d)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l valid-for -d 'How long every RRSIG stays valid after --start (e.g. 30d, 12h)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l zone-algorithms -d 'Signing algorithm of each zone, root first; the last one applies to the zones below' -r -f -a "rsasha256\t'8: RSA-2048/SHA-256'
rsasha512\t'10: RSA-2048/SHA-512'
ecdsap256sha256\t'13: ECDSA P-256/SHA-256'
ecdsap384sha384\t'14: ECDSA P-384/SHA-384'
ed25519\t'15: Ed25519'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -l force -d 'Replace existing output files'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from test-chain" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l audience -d 'The server the token is for (compared exactly by verifiers)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l claim -d 'A claim, KEY=VALUE (repeatable; a repeated KEY keeps the last value)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l key -d 'Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); not needed for a member signature with --org-cert' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l domain -d 'The organisation\'s domain (lower-cased: DNS names are case-insensitive)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l chain -d 'DNSSEC chain file (DER); without it the chain is retrieved live' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l resolver -d 'Plain DNS server to ask (UDP, TCP when truncated) instead of DNS-over-HTTPS' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l doh -d 'DNS-over-HTTPS endpoint (https, or http to a loopback address)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l trust-anchors -d 'DS records of the root (zone-file form) to trust instead of the IANA root KSKs' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l timeout -d 'Time to wait for each answer: seconds or a duration (30s, 2m), 1s to 300s' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l org-cert -d 'Organisation certificate (PEM or DER); without it one is self-issued for the token\'s validity' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l user -d 'Organisation signature attributed to this user' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l member-cert -d 'Member signature: the member\'s certificate (PEM or DER), issued by --org-cert' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l member-key -d 'Member signature: the member\'s private key, a file, a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l start -d 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l expiry -d 'End of validity: RFC 3339 or relative to now (+30d)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l encoding -d 'Output encoding: base64, header (`Kliento <base64>`) or der' -r -f -a "base64\t'Standard base64 on one line'
header\t'An Authorization header value: `Kliento <base64>`'
der\t'Binary DER (never written to a terminal)'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -s o -l output -d 'Write the bundle to FILE instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l valid-for -d 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 5m]' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l bot -d 'Organisation signature attributed to a bot (the default)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l force -d 'Replace an existing output file'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -l allow-invalid -d 'Write the bundle even if it would not verify at its start (for negative tests); warns'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l key -d 'Organisation private key: RSA 2048/3072/4096, a file (PEM or DER, PKCS#8 or PKCS#1; `-` for stdin), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///alias/NAME`)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l domain -d 'Organisation domain name (the certificate\'s CN; lower-cased, a trailing dot is dropped)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l start -d 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l expiry -d 'End of validity: RFC 3339 or relative to now (+30d)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l encoding -d 'Certificate encoding' -r -f -a "pem\t'PEM text (a CERTIFICATE block)'
der\t'Binary DER (never written to a terminal)'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s o -l output -d 'Write the certificate to FILE instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l valid-for -d 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 90d]' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l force -d 'Replace an existing output file'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l allow-invalid -d 'Write the certificate even if it would not verify (for negative tests); warns'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l org-key -d 'Organisation private key: a file (PEM or DER, PKCS#8 or PKCS#1), a key in a PKCS#11 token (`pkcs11:token=T;object=K?pin-source=file:P`) or in AWS KMS (`awskms:///KEY`)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l org-cert -d 'Organisation certificate, PEM or DER' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l member-key -d 'Member key: RSA, a file (public or private, PEM or DER), a key in a PKCS#11 token (`pkcs11:...`) or in AWS KMS (`awskms:///KEY`); only the public half is used' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l user -d 'User name (no `@`, tab, CR or LF)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l start -d 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l expiry -d 'End of validity: RFC 3339 or relative to now (+30d)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l encoding -d 'Certificate encoding' -r -f -a "pem\t'PEM text (a CERTIFICATE block)'
der\t'Binary DER (never written to a terminal)'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s o -l output -d 'Write the certificate to FILE instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l valid-for -d 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: 90d, capped at the organisation certificate\'s expiry]' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l bot -d 'Issue the certificate for a bot (CN `@`)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l force -d 'Replace an existing output file'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l allow-invalid -d 'Write the certificate even if it would not verify (for negative tests); warns'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s v -l verbose -d 'More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to its report'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "chain" -d 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "test-chain" -d 'Build a DNSSEC chain under a throw-away test root (no DNS needed)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "token" -d 'Issue a Kliento token bundle'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "org-cert" -d 'Self-issue an organisation certificate (veraid-js profile)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "member-cert" -d 'Issue a member certificate for a user or a bot, signed by the organisation'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "keygen" -d 'Generate an RSA key (PKCS#8 PEM, created with mode 0600, or in a PKCS#11 token or AWS KMS)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "txt-record" -d 'Print the _veraid TXT record for an organisation key'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "verify" -d 'Verify a token bundle offline'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "inspect" -d 'Show everything in a token bundle and every check'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "exchange" -d 'Exchange a workload JWT for a signature bundle at VeraId Authority'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "sign-out" -d 'Sign out of an OIDC provider: revoke and delete the refresh token `exchange` keeps'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "serve" -d 'Serve Kliento Verifier\'s HTTP API'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "completions" -d 'Print or write shell completions'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "man" -d 'Print or write man pages'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "issue" -d 'Make VeraId artefacts: token bundles, certificates, DNSSEC chains'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record verify inspect exchange sign-out serve completions man issue help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and __fish_seen_subcommand_from issue" -f -a "chain" -d 'Retrieve the DNSSEC chain of _veraid.DOMAIN live, validate it, and write it (DER)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and __fish_seen_subcommand_from issue" -f -a "test-chain" -d 'Build a DNSSEC chain under a throw-away test root (no DNS needed)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and __fish_seen_subcommand_from issue" -f -a "token" -d 'Issue a Kliento token bundle'
complete -c kliento -n "__fish_kliento_using_subcommand help; and __fish_seen_subcommand_from issue" -f -a "org-cert" -d 'Self-issue an organisation certificate (veraid-js profile)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and __fish_seen_subcommand_from issue" -f -a "member-cert" -d 'Issue a member certificate for a user or a bot, signed by the organisation'
