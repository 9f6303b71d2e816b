//! `kliento completions` and `kliento man`: shell completions and man pages generated from the
//! clap definition, the same files the repository keeps in `completions/` and `man/`.

use super::exit;
use super::failure::Failure;
use super::io::{self, FileMode};
use super::output::{self, Destination};
use super::ui::Ui;
use clap_complete::Shell;
use std::path::{Path, PathBuf};

/// Print or write shell completions
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: Shell,

    /// Write the script into this directory (with the shell's usual file name) instead of stdout
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,

    /// Replace an existing script in DIR
    #[arg(long)]
    force: bool,
}

/// Print or write man pages
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write one page per command (kliento.1, kliento-txt-record.1, ...) into this directory
    /// instead of printing kliento.1
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,

    /// Replace existing pages in DIR
    #[arg(long)]
    force: bool,
}

/// The completion script for a shell, and the file name it is usually installed under.
pub fn completion_script(shell: Shell) -> (String, Vec<u8>) {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut super::command(), "kliento", &mut script);
    let name = match shell {
        Shell::Bash => "kliento.bash".to_string(),
        Shell::Zsh => "_kliento".to_string(),
        Shell::Fish => "kliento.fish".to_string(),
        Shell::Elvish => "kliento.elv".to_string(),
        Shell::PowerShell => "_kliento.ps1".to_string(),
        other => format!("kliento.{other}"),
    };
    (name, script)
}

/// Every man page: the top-level command and each visible subcommand, recursively.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    fn collect(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
        // The exit codes get their own EXIT STATUS section instead of clap_mangen's "EXTRA".
        let man = clap_mangen::Man::new(cmd.clone().after_help(None::<&str>))
            .source(format!("kliento {}", env!("CARGO_PKG_VERSION")))
            .manual("kliento manual");
        let mut page = Vec::new();
        man.render(&mut page)
            .expect("rendering into memory cannot fail");
        let page = String::from_utf8_lossy(&page).into_owned();
        let sections = format!("{}{}", environment_section(cmd), exit_status_section());
        let page = match page.find(".SH VERSION") {
            Some(at) => format!("{}{sections}{}", &page[..at], &page[at..]),
            None => format!("{page}{sections}"),
        };
        pages.push((man.get_filename(), page.into_bytes()));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            collect(sub, pages);
        }
    }
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, &mut pages);
    pages
}

/// Text for a roff paragraph: backslashes and hyphens escaped, no line starting as a request.
fn roff_text(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

/// `.TP` entries under a section heading.
fn roff_section(title: &str, entries: &[(String, String)]) -> String {
    let mut out = format!(".SH \"{title}\"\n");
    for (tag, text) in entries {
        out.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_text(tag),
            roff_text(text)
        ));
    }
    out
}

/// The environment variables a command reads: those of its flags (`env = ...`), the global
/// ones, and those `exchange` looks at.
fn environment_section(cmd: &clap::Command) -> String {
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, text: String| {
        if !entries.iter().any(|(n, _)| n == name) {
            entries.push((name.to_string(), text));
        }
    };
    let mut flags: Vec<&clap::Arg> = cmd.get_arguments().collect();
    if cmd.get_name() == "kliento" {
        // The top-level page speaks for every command.
        fn all<'a>(cmd: &'a clap::Command, out: &mut Vec<&'a clap::Arg>) {
            out.extend(cmd.get_arguments());
            for sub in cmd.get_subcommands() {
                all(sub, out);
            }
        }
        flags.clear();
        all(cmd, &mut flags);
    }
    for arg in flags {
        if let Some(name) = arg.get_env().and_then(|n| n.to_str()) {
            add(
                name,
                format!(
                    "Default for --{}; an empty value counts as unset.",
                    arg.get_long().unwrap_or_default()
                ),
            );
        }
    }
    add(
        "NO_COLOR",
        "When set and not empty, --color auto does not colour diagnostics.".into(),
    );
    if cmd.get_name() == "kliento" || cmd.get_name().ends_with("exchange") {
        for (name, text) in [
            (
                "GITHUB_OUTPUT",
                "exchange --github-output: the file the step output is appended to.",
            ),
            (
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                "exchange: GitHub Actions' OIDC token endpoint (with \
                 ACTIONS_ID_TOKEN_REQUEST_TOKEN), for --jwt-source github or auto.",
            ),
            (
                "GCE_METADATA_HOST",
                "exchange: the Google Cloud metadata server, for --jwt-source gcp or auto.",
            ),
            (
                "AZURE_POD_IDENTITY_AUTHORITY_HOST",
                "exchange: the Azure identity endpoint, for --jwt-source azure or auto.",
            ),
            (
                "XDG_CONFIG_HOME",
                "exchange --jwt-source oidc: refresh tokens are kept under \
                 $XDG_CONFIG_HOME/kliento/oidc (else ~/.config/kliento/oidc).",
            ),
        ] {
            add(name, text.into());
        }
    }
    roff_section("ENVIRONMENT", &entries)
}

/// The exit codes, from the one enum that also feeds --help and the process status.
fn exit_status_section() -> String {
    roff_section("EXIT STATUS", &exit::table_rows())
}

/// Writes `files` into `dir` (created when missing) by the file-writing rule: every file is
/// checked first (an existing one needs --force), then all are written or none.
fn write_into(dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<(), Failure> {
    output::check_directory(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::environment(format!(
            "cannot create {}: {}",
            dir.display(),
            io::io_reason(&e)
        ))
    })?;
    let mode = FileMode {
        secret: false,
        overwrite: force,
    };
    let destinations = files
        .iter()
        .map(|(name, _)| Destination::new(&dir.join(name), mode, false))
        .collect::<Result<Vec<_>, _>>()?;
    let writes: Vec<(&Destination, &[u8])> = destinations
        .iter()
        .zip(files)
        .map(|(destination, (_, bytes))| (destination, bytes.as_slice()))
        .collect();
    output::write_all(&writes)
}

/// `kliento completions SHELL [-o DIR]`.
pub fn completions(args: CompletionsArgs) -> Result<(), Failure> {
    let (name, script) = completion_script(args.shell);
    match &args.output {
        Some(dir) => write_into(dir, &[(name, script)], args.force)?,
        None => io::write_stdout(&script, false)?,
    }
    Ok(())
}

/// `kliento man [-o DIR]`.
pub fn man(ui: &Ui, args: ManArgs) -> Result<(), Failure> {
    let pages = man_pages();
    match &args.output {
        Some(dir) => {
            write_into(dir, &pages, args.force)?;
            ui.note(format!(
                "wrote {} man pages to {}",
                pages.len(),
                dir.display()
            ));
        }
        None => io::write_stdout(&pages[0].1, false)?,
    }
    Ok(())
}
