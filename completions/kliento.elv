
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
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate an RSA key (PKCS#8 PEM, created with mode 0600)'
            cand txt-record 'Print the _veraid TXT record for an organisation key'
            cand issue 'Issue VeraId certificates'
            cand completions 'Print or write shell completions'
            cand man 'Print or write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;keygen'= {
            cand --bits 'Modulus size in bits'
            cand -o 'Private key file to create (`-` for stdout)'
            cand --output 'Private key file to create (`-` for stdout)'
            cand --public-out 'Also write the public key (SubjectPublicKeyInfo PEM) to this file'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace existing files'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;txt-record'= {
            cand --key 'Organisation key: RSA 2048/3072/4096, private or public, PEM or DER, PKCS#8, PKCS#1 or SubjectPublicKeyInfo (`-` for stdin)'
            cand --ttl-override 'How long before a signature''s end its DNSSEC chain may have been signed: seconds or a duration (90m, 1h, 7d), at most 90 days'
            cand --service 'Restrict the key to one service (e.g. 1.3.6.1.4.1.58708.3.0 for Kliento)'
            cand --domain 'Print the zone-file line for _veraid.DOMAIN instead of the bare value'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
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
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand org-cert 'Self-issue an organisation certificate (veraid-js profile)'
            cand member-cert 'Issue a member certificate for a user or a bot, signed by the organisation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;issue;org-cert'= {
            cand --key 'Organisation private key: RSA 2048/3072/4096, PEM or DER, PKCS#8 or PKCS#1 (`-` for stdin)'
            cand --domain 'Organisation domain name (the certificate''s CN; a trailing dot is dropped)'
            cand --start 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds'
            cand --expiry 'End of validity: RFC 3339 or relative to now (+30d)'
            cand --valid-for 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w [default: 90d]'
            cand --encoding 'Certificate encoding'
            cand -o 'Write the certificate to FILE instead of stdout'
            cand --output 'Write the certificate to FILE instead of stdout'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --force 'Replace an existing output file'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue;member-cert'= {
            cand --org-key 'Organisation private key, PEM or DER, PKCS#8 or PKCS#1'
            cand --org-cert 'Organisation certificate, PEM or DER'
            cand --member-key 'Member key: RSA, public or private, PEM or DER (only the public half is used)'
            cand --user 'User name (no `@`, tab, CR or LF)'
            cand --start 'Start of validity: RFC 3339 or relative to now (-1h); default now. Truncated to seconds'
            cand --expiry 'End of validity: RFC 3339 or relative to now (+30d)'
            cand --valid-for 'Lifetime from the start: 300s, 90m, 1h, 7d, 2w [default: 90d]'
            cand --encoding 'Certificate encoding'
            cand -o 'Write the certificate to FILE instead of stdout'
            cand --output 'Write the certificate to FILE instead of stdout'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand --bot 'Issue the certificate for a bot (CN `@`)'
            cand --force 'Replace an existing output file'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;issue;help'= {
            cand org-cert 'Self-issue an organisation certificate (veraid-js profile)'
            cand member-cert 'Issue a member certificate for a user or a bot, signed by the organisation'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;issue;help;org-cert'= {
        }
        &'kliento;issue;help;member-cert'= {
        }
        &'kliento;issue;help;help'= {
        }
        &'kliento;completions'= {
            cand -o 'Write the script into this directory (with the shell''s usual file name) instead of stdout'
            cand --output 'Write the script into this directory (with the shell''s usual file name) instead of stdout'
            cand --format 'Output format: human-readable text, or one JSON document on stdout'
            cand --color 'Colour diagnostics: auto (terminal without NO_COLOR), always or never'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
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
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Print more detail on stderr (repeat for more)'
            cand --verbose 'Print more detail on stderr (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kliento;help'= {
            cand keygen 'Generate an RSA key (PKCS#8 PEM, created with mode 0600)'
            cand txt-record 'Print the _veraid TXT record for an organisation key'
            cand issue 'Issue VeraId certificates'
            cand completions 'Print or write shell completions'
            cand man 'Print or write man pages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kliento;help;keygen'= {
        }
        &'kliento;help;txt-record'= {
        }
        &'kliento;help;issue'= {
            cand org-cert 'Self-issue an organisation certificate (veraid-js profile)'
            cand member-cert 'Issue a member certificate for a user or a bot, signed by the organisation'
        }
        &'kliento;help;issue;org-cert'= {
        }
        &'kliento;help;issue;member-cert'= {
        }
        &'kliento;help;completions'= {
        }
        &'kliento;help;man'= {
        }
        &'kliento;help;help'= {
        }
    ]
    $completions[$command]
}
