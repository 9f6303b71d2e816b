//! Where `exchange` writes the bundle: stdout, a file, and a GitHub Actions step output.

use super::*;

/// Where the bundle goes, checked before the exchange.
pub(super) struct Outputs<'a> {
    pub(super) file: Option<&'a Destination>,
    pub(super) github: Option<&'a GithubOutput>,
}

pub(super) fn write_credential(
    ui: &Ui,
    args: &Args,
    outputs: &Outputs<'_>,
    source: &str,
    credential: &Credential,
    cached: bool,
) -> Result<(), Failure> {
    let base64 = STANDARD.encode(&credential.der);
    let encoded = args.encoding.apply(&credential.der);
    let text = encoded.text().map(String::from);
    if let Some(github) = outputs.github {
        // The mask comes first so that no later log line can show the bundle.
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "::add-mask::{base64}")
            .and_then(|()| stdout.flush())
            .map_err(io::stdout_failure)?;
        github.append(text.as_deref().unwrap_or_default())?;
    }
    if let Some(destination) = outputs.file {
        output::write_all(&[(destination, &encoded.to_bytes())])?;
    }
    let printed = outputs.file.is_none() && outputs.github.is_none();
    if ui.json() {
        return ui.print_json(&Report {
            schema_version: 1,
            jwt_source: source,
            bytes: credential.der.len(),
            encoding: args.encoding.name(),
            cached,
            bundle: if printed { text } else { None },
        });
    }
    if printed {
        io::write_stdout(&encoded.to_bytes(), text.is_none())?;
    }
    Ok(())
}

/// `--github-output NAME`: a valid output name and a writable `$GITHUB_OUTPUT`.
pub(super) struct GithubOutput {
    name: String,
    path: PathBuf,
}

impl GithubOutput {
    /// Checks the name and `$GITHUB_OUTPUT` (set, and open for appending) without writing.
    pub(super) fn check(name: &str, env: &Env) -> Result<Self, Failure> {
        if name.is_empty() || name.contains(['\n', '\r', '<', '=']) {
            return Err(
                Failure::usage(format!("{name:?} is not a usable output name"))
                    .hint("use letters, digits, '-' and '_', e.g. --github-output authorization"),
            );
        }
        let Some(path) = env.get("GITHUB_OUTPUT") else {
            return Err(Failure::environment("GITHUB_OUTPUT is not set")
                .hint("--github-output only works inside a GitHub Actions step"));
        };
        let path = PathBuf::from(path);
        Self::open(&path)?;
        Ok(Self {
            name: name.to_string(),
            path,
        })
    }

    fn open(path: &Path) -> Result<std::fs::File, Failure> {
        std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| {
                Failure::environment(format!(
                    "cannot append to {} (GITHUB_OUTPUT): {}",
                    path.display(),
                    io::io_reason(&e)
                ))
            })
    }

    /// Appends `value` in the heredoc form, with a random delimiter that cannot occur in the
    /// value, as GitHub's toolkit does for multiline values.
    fn append(&self, value: &str) -> Result<(), Failure> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random)
            .map_err(|e| Failure::environment(format!("cannot get random bytes: {e}")))?;
        let delimiter = kliento::veraid::hex(&random);
        let delimiter = format!("ghadelimiter_{delimiter}");
        let name = &self.name;
        Self::open(&self.path)?
            .write_all(format!("{name}<<{delimiter}\n{value}\n{delimiter}\n").as_bytes())
            .map_err(|e| {
                Failure::environment(format!(
                    "cannot append to {}: {}",
                    self.path.display(),
                    io::io_reason(&e)
                ))
            })
    }
}
