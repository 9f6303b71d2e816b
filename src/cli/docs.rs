//! `kliento completions` and `kliento man`: shell completions and man pages generated from the
//! clap definition, the same files the repository keeps in `completions/` and `man/`.

use super::exit::Exit;
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
        let man = clap_mangen::Man::new(cmd.clone())
            .source(format!("kliento {}", env!("CARGO_PKG_VERSION")))
            .manual("kliento manual");
        let mut page = Vec::new();
        man.render(&mut page)
            .expect("rendering into memory cannot fail");
        pages.push((man.get_filename(), page));
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

/// Writes `files` into `dir` (created when missing) by the file-writing rule: every file is
/// checked first (an existing one needs --force), then all are written or none.
fn write_into(dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<(), Failure> {
    output::check_directory(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::new(
            Exit::Environment,
            format!("cannot create {}: {}", dir.display(), io::io_reason(&e)),
        )
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
pub fn completions(args: CompletionsArgs) -> Result<Exit, Failure> {
    let (name, script) = completion_script(args.shell);
    match &args.output {
        Some(dir) => write_into(dir, &[(name, script)], args.force)?,
        None => io::write_stdout(&script, false)?,
    }
    Ok(Exit::Success)
}

/// `kliento man [-o DIR]`.
pub fn man(ui: &Ui, args: ManArgs) -> Result<Exit, Failure> {
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
    Ok(Exit::Success)
}
