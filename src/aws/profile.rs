//! The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`), as the AWS
//! CLI and SDKs read them: the profile named by `AWS_PROFILE` (else `default`), sections
//! `[name]` in the credentials file and `[profile name]` (or `[default]`) in the config file, the
//! credentials file winning for a key both set. `AWS_CONFIG_FILE` and
//! `AWS_SHARED_CREDENTIALS_FILE` move the files.

use super::AwsError;
use crate::authority::jwt_source::Env;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Names the profile.
pub const PROFILE_VAR: &str = "AWS_PROFILE";
/// Moves the config file.
pub const CONFIG_FILE_VAR: &str = "AWS_CONFIG_FILE";
/// Moves the credentials file.
pub const CREDENTIALS_FILE_VAR: &str = "AWS_SHARED_CREDENTIALS_FILE";

/// Largest config or credentials file read.
const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The selected profile's settings from both files.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// Whether `AWS_PROFILE` named it (a named profile must exist; `default` need not).
    pub explicit: bool,
    /// The files looked at, for messages.
    pub files: Vec<PathBuf>,
    /// Its keys (lower-cased) and values; empty when neither file has the profile.
    settings: BTreeMap<String, String>,
    /// Whether either file has a section for it.
    pub found: bool,
}

impl Profile {
    /// A setting of the profile (unset and empty are the same).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Where the profile is looked for, for messages: `profile NAME in FILE and FILE`.
    pub fn describe(&self) -> String {
        let files: Vec<String> = self.files.iter().map(|f| f.display().to_string()).collect();
        if files.is_empty() {
            format!("profile {} (no $HOME, no files)", self.name)
        } else {
            format!("profile {} in {}", self.name, files.join(" and "))
        }
    }
}

/// Reads the selected profile from the config and credentials files. Missing files read as
/// empty; unreadable ones are an error.
pub fn load(env: &Env) -> Result<Profile, AwsError> {
    match env.get(PROFILE_VAR) {
        Some(name) => load_named(env, name, true),
        None => load_named(env, "default", false),
    }
}

/// Reads profile `name` from the config and credentials files (`explicit`: named by the user,
/// so it must exist).
pub fn load_named(env: &Env, name: &str, explicit: bool) -> Result<Profile, AwsError> {
    let name = name.to_string();
    let home = env.get("HOME").map(PathBuf::from);
    let file = |var: &str, default: &str| {
        env.get(var)
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
    };
    let config = file(CONFIG_FILE_VAR, "config");
    let credentials = file(CREDENTIALS_FILE_VAR, "credentials");
    let mut profile = Profile {
        name,
        explicit,
        ..Profile::default()
    };
    // The config file first, so that the credentials file's values replace its own.
    for (path, in_config) in [(config, true), (credentials, false)] {
        let Some(path) = path else { continue };
        if let Some(text) = read(&path)? {
            let wanted = |section: &str| section_is(section, &profile.name, in_config);
            if let Some(settings) = section(&text, wanted) {
                profile.found = true;
                profile.settings.extend(settings);
            }
        }
        profile.files.push(path);
    }
    Ok(profile)
}

/// Whether the header `[section]` names `profile` in this kind of file.
fn section_is(section: &str, profile: &str, in_config: bool) -> bool {
    let section = section.trim();
    if !in_config {
        return section == profile;
    }
    match section.strip_prefix("profile") {
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim() == profile,
        _ => section == "default" && profile == "default",
    }
}

/// The keys and values of the first section `wanted` accepts (later sections of the same name
/// add to it, as the SDKs merge them).
fn section(text: &str, wanted: impl Fn(&str) -> bool) -> Option<BTreeMap<String, String>> {
    let mut found: Option<BTreeMap<String, String>> = None;
    let mut inside = false;
    for line in text.lines() {
        // Indented lines continue a nested property (`s3 =` then `  max_concurrent_requests`),
        // which kliento does not use.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header.split(']').next().unwrap_or_default();
            inside = wanted(header);
            if inside && found.is_none() {
                found = Some(BTreeMap::new());
            }
            continue;
        }
        if !inside {
            continue;
        }
        if let (Some(settings), Some((key, value))) = (found.as_mut(), line.split_once('=')) {
            let value = value.trim();
            // An inline comment needs whitespace before it (values may hold `#`).
            let value = value
                .find(" #")
                .or_else(|| value.find(" ;"))
                .map_or(value, |at| value[..at].trim_end());
            settings.insert(key.trim().to_ascii_lowercase(), value.to_string());
        }
    }
    found
}

/// The file's text, `None` when it does not exist.
fn read(path: &Path) -> Result<Option<String>, AwsError> {
    let failed = |reason: String| AwsError::Profile {
        what: path.display().to_string(),
        reason,
    };
    match crate::bounded::read_file_bounded(path, MAX_FILE_BYTES) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| failed("not UTF-8 text".into())),
        Err(crate::bounded::BoundedReadError::Io(e))
            if e.kind() == std::io::ErrorKind::NotFound =>
        {
            Ok(None)
        }
        Err(crate::bounded::BoundedReadError::Io(e)) => Err(failed(crate::error::io_reason(&e))),
        Err(e) => Err(failed(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[default]
region = eu-west-1

[profile dev]
region=us-east-2 # inline comment
s3 =
  max_concurrent_requests = 20
role_arn = arn:aws:iam::1:role/x
";

    #[test]
    fn reads_config_sections_by_profile_name() {
        let dev = section(CONFIG, |s| section_is(s, "dev", true)).unwrap();
        assert_eq!(dev["region"], "us-east-2");
        assert_eq!(dev["role_arn"], "arn:aws:iam::1:role/x");
        assert!(!dev.contains_key("max_concurrent_requests"));
        let default = section(CONFIG, |s| section_is(s, "default", true)).unwrap();
        assert_eq!(default["region"], "eu-west-1");
        assert!(section(CONFIG, |s| section_is(s, "other", true)).is_none());
    }

    #[test]
    fn credentials_file_sections_have_no_profile_prefix() {
        let text = "[dev]\naws_access_key_id = AKID\n; comment\n[profile dev]\nx = y\n";
        let dev = section(text, |s| section_is(s, "dev", false)).unwrap();
        assert_eq!(dev.len(), 1);
        assert_eq!(dev["aws_access_key_id"], "AKID");
    }

    #[test]
    fn credentials_file_wins_over_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let credentials = dir.path().join("credentials");
        std::fs::write(
            &config,
            "[profile dev]\nregion = a\naws_access_key_id = FROMCONFIG\n",
        )
        .unwrap();
        std::fs::write(&credentials, "[dev]\naws_access_key_id = FROMCREDENTIALS\n").unwrap();
        let env = Env::new([
            (PROFILE_VAR.into(), "dev".into()),
            (CONFIG_FILE_VAR.into(), config.display().to_string()),
            (
                CREDENTIALS_FILE_VAR.into(),
                credentials.display().to_string(),
            ),
        ]);
        let profile = load(&env).unwrap();
        assert!(profile.found && profile.explicit);
        assert_eq!(profile.get("region"), Some("a"));
        assert_eq!(profile.get("aws_access_key_id"), Some("FROMCREDENTIALS"));
    }
}
