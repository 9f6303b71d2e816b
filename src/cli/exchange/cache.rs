//! `exchange --cache`: whether to reuse a kept bundle, under which key, and what to say about
//! it; the cache itself is `kliento::authority::bundle_cache`.

use super::*;
use kliento::authority::bundle_cache::{BundleCache, CacheKey, Cached, Lookup, default_dir};
use kliento::time::Timestamp;

/// The cache of this run and its key, when `--cache` (or `KLIENTO_CACHE`) is on.
pub(super) struct RunCache {
    cache: BundleCache,
    key: CacheKey,
}

impl RunCache {
    /// Opens the cache directory (created 0700, refused unless private) when caching is on.
    pub(super) fn open(
        ui: &Ui,
        args: &Args,
        env: &Env,
        url: &ExchangeUrl,
    ) -> Result<Option<Self>, Failure> {
        if !args.cache || args.no_cache {
            return Ok(None);
        }
        let dir = default_dir(env.get("XDG_CACHE_HOME"), env.get("HOME")).ok_or_else(|| {
            Failure::classified(kliento::authority::bundle_cache::CacheError::NoDirectory)
                .hint("set XDG_CACHE_HOME or HOME, or run without --cache")
        })?;
        let cache = BundleCache::open(&dir).map_err(Failure::classified)?;
        let key = key(args, env, url);
        ui.detail(1, format!("bundle cache: {}", cache.file(&key).display()));
        Ok(Some(Self { cache, key }))
    }

    /// A bundle valid for at least `--min-validity` after `now`, if the cache holds one; a
    /// cache file that cannot be reused is noted and left to be replaced.
    pub(super) fn reusable(
        &self,
        ui: &Ui,
        url: &ExchangeUrl,
        now: Timestamp,
        min_validity: Duration,
    ) -> Result<Option<Cached>, Failure> {
        match self
            .cache
            .lookup(&self.key, url, now, min_validity)
            .map_err(Failure::classified)?
        {
            Lookup::Hit(cached) => {
                ui.detail(
                    1,
                    format!(
                        "reusing the cached bundle from {}, valid until {}",
                        cached.path.display(),
                        cached.valid_until
                    ),
                );
                Ok(Some(cached))
            }
            Lookup::Miss => Ok(None),
            Lookup::Ignored { path, reason } => {
                ui.detail(
                    1,
                    format!(
                        "ignoring the cached bundle in {}: {reason}; it will be replaced",
                        path.display()
                    ),
                );
                Ok(None)
            }
        }
    }

    /// Takes the key's lock, waiting until `deadline` at most.
    pub(super) fn lock(
        &self,
        deadline: std::time::Instant,
    ) -> Result<kliento::authority::bundle_cache::CacheLock, Failure> {
        self.cache
            .lock(&self.key, deadline)
            .map_err(Failure::classified)
    }

    /// Keeps a new bundle; a failure to keep it is a warning, never the loss of the bundle.
    pub(super) fn store(&self, ui: &Ui, url: &ExchangeUrl, credential: &Credential) {
        match self.cache.store(&self.key, url, &credential.der) {
            Ok(()) => ui.detail(
                1,
                format!(
                    "kept the bundle in {}",
                    self.cache.file(&self.key).display()
                ),
            ),
            Err(e) => ui.warn(format!("the bundle was not cached: {e}")),
        }
    }
}

/// Whether the JWT may come from AWS: `--jwt-source aws`, or `auto` without a source named by
/// its own flag.
fn aws_possible(args: &Args) -> bool {
    match args.jwt_source {
        SourceName::Aws => true,
        SourceName::Auto => {
            args.jwt_file.is_none() && args.jwt_env.is_none() && args.oidc_issuer.is_none()
        }
        _ => false,
    }
}

/// The key: the exchange URL and what selects the JWT source, never a JWT or a secret. For AWS
/// (named, or possible under `auto`) the identity's selectors too: the profile, the access key
/// id and the role, so that another AWS identity does not reuse this one's bundle.
fn key(args: &Args, env: &Env, url: &ExchangeUrl) -> CacheKey {
    use clap::ValueEnum;
    let source = args
        .jwt_source
        .to_possible_value()
        .map(|value| value.get_name().to_string())
        .unwrap_or_default();
    let file = args.jwt_file.as_ref().map(|path| {
        std::path::absolute(path)
            .unwrap_or_else(|_| path.clone())
            .to_string_lossy()
            .into_owned()
    });
    let token = match args.oidc_token {
        TokenName::Access => "access",
        TokenName::Id => "id",
    };
    let oidc = args.oidc_issuer.as_ref().map(|_| token);
    let selectors: Vec<(&str, &str)> = [
        ("jwt-file", file.as_deref()),
        ("jwt-env", args.jwt_env.as_deref()),
        (
            "oidc-issuer",
            args.oidc_issuer.as_ref().map(url::Url::as_str),
        ),
        ("client-id", args.client_id.as_deref()),
        ("oidc-token", oidc),
        ("oidc-scope", args.oidc_scope.as_deref()),
        ("jwt-audience", args.jwt_audience.as_deref()),
    ]
    .into_iter()
    .chain(
        [
            ("aws-profile", "AWS_PROFILE"),
            ("aws-access-key-id", credentials::ACCESS_KEY_ID_VAR),
            ("aws-role-arn", credentials::ROLE_ARN_VAR),
        ]
        .map(|(name, variable)| (name, env.get(variable).filter(|_| aws_possible(args)))),
    )
    .filter_map(|(name, value)| Some((name, value?)))
    .collect();
    CacheKey::new(url, &source, &selectors)
}
