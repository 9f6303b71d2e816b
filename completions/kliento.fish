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
complete -c kliento -n "__fish_kliento_needs_command" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_needs_command" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "keygen" -d 'Generate an RSA key (PKCS#8 PEM, created with mode 0600)'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "txt-record" -d 'Print the _veraid TXT record for an organisation key'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "issue" -d 'Issue VeraId certificates'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "completions" -d 'Print or write shell completions'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "man" -d 'Print or write man pages'
complete -c kliento -n "__fish_kliento_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l bits -d 'Modulus size in bits' -r -f -a "2048\t''
3072\t''
4096\t''"
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s o -l output -d 'Private key file to create (`-` for stdout)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l public-out -d 'Also write the public key (SubjectPublicKeyInfo PEM) to this file' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -l force -d 'Replace existing files'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l key -d 'Organisation key: RSA 2048/3072/4096, private or public, PEM or DER, PKCS#8, PKCS#1 or SubjectPublicKeyInfo (`-` for stdin)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l ttl-override -d 'How long before a signature\'s end its DNSSEC chain may have been signed: seconds or a duration (90m, 1h, 7d), at most 90 days' -r
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l service -d 'Restrict the key to one service (e.g. 1.3.6.1.4.1.58708.3.0 for Kliento)' -r
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l domain -d 'Print the zone-file line for _veraid.DOMAIN instead of the bare value' -r
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand txt-record" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -f -a "org-cert" -d 'Self-issue an organisation certificate (veraid-js profile)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -f -a "member-cert" -d 'Issue a member certificate for a user or a bot, signed by the organisation'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and not __fish_seen_subcommand_from org-cert member-cert help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l key -d 'Organisation private key: RSA 2048/3072/4096, PEM or DER, PKCS#8 or PKCS#1 (`-` for stdin)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l domain -d 'Organisation domain name (the certificate\'s CN; a trailing dot is dropped)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l start -d 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l expiry -d 'End of validity: RFC 3339 or relative to now (+30d)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l valid-for -d 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w [default: 90d]' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l encoding -d 'Certificate encoding' -r -f -a "pem\t'PEM text (a CERTIFICATE block)'
der\t'Binary DER (never written to a terminal)'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s o -l output -d 'Write the certificate to FILE instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -l force -d 'Replace an existing output file'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from org-cert" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l org-key -d 'Organisation private key, PEM or DER, PKCS#8 or PKCS#1' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l org-cert -d 'Organisation certificate, PEM or DER' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l member-key -d 'Member key: RSA, public or private, PEM or DER (only the public half is used)' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l user -d 'User name (no `@`, tab, CR or LF)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l start -d 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l expiry -d 'End of validity: RFC 3339 or relative to now (+30d)' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l valid-for -d 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w [default: 90d]' -r
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l encoding -d 'Certificate encoding' -r -f -a "pem\t'PEM text (a CERTIFICATE block)'
der\t'Binary DER (never written to a terminal)'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s o -l output -d 'Write the certificate to FILE instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l bot -d 'Issue the certificate for a bot (CN `@`)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -l force -d 'Replace an existing output file'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from member-cert" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "org-cert" -d 'Self-issue an organisation certificate (veraid-js profile)'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "member-cert" -d 'Issue a member certificate for a user or a bot, signed by the organisation'
complete -c kliento -n "__fish_kliento_using_subcommand issue; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s o -l output -d 'Write the script into this directory (with the shell\'s usual file name) instead of stdout' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand completions" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand completions" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand completions" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s o -l output -d 'Write one page per command (kliento.1, kliento-txt-record.1, ...) into this directory instead of printing kliento.1' -r -F
complete -c kliento -n "__fish_kliento_using_subcommand man" -l format -d 'Output format: human-readable text, or one JSON document on stdout' -r -f -a "text\t'Human-readable text'
json\t'One JSON document'"
complete -c kliento -n "__fish_kliento_using_subcommand man" -l color -d 'Colour diagnostics: auto (terminal without NO_COLOR), always or never' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is unset'
always\t'Always'
never\t'Never'"
complete -c kliento -n "__fish_kliento_using_subcommand man" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s v -l verbose -d 'Print more detail on stderr (repeat for more)'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kliento -n "__fish_kliento_using_subcommand man" -s V -l version -d 'Print version'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record issue completions man help" -f -a "keygen" -d 'Generate an RSA key (PKCS#8 PEM, created with mode 0600)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record issue completions man help" -f -a "txt-record" -d 'Print the _veraid TXT record for an organisation key'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record issue completions man help" -f -a "issue" -d 'Issue VeraId certificates'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record issue completions man help" -f -a "completions" -d 'Print or write shell completions'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record issue completions man help" -f -a "man" -d 'Print or write man pages'
complete -c kliento -n "__fish_kliento_using_subcommand help; and not __fish_seen_subcommand_from keygen txt-record issue completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and __fish_seen_subcommand_from issue" -f -a "org-cert" -d 'Self-issue an organisation certificate (veraid-js profile)'
complete -c kliento -n "__fish_kliento_using_subcommand help; and __fish_seen_subcommand_from issue" -f -a "member-cert" -d 'Issue a member certificate for a user or a bot, signed by the organisation'
