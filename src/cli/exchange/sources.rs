//! Which JWT source `exchange` uses, and what it needs: the OIDC client secret, the provider's
//! configuration and where its refresh token is kept.

use super::*;

pub(super) fn choose_source(
    args: &Args,
    env: &Env,
) -> Result<(Box<dyn JwtSource>, Option<Secret>), Failure> {
    let secret = client_secret(args, env)?;
    let client_secret = secret.clone();
    let usage = |message: &str| Err(Failure::usage(message));
    let source: Box<dyn JwtSource> = match args.jwt_source {
        SourceName::Github => Box::new(GithubSource),
        SourceName::Gcp => Box::new(GcpSource),
        SourceName::Azure => Box::new(AzureSource),
        SourceName::Aws => Box::new(AwsSource),
        SourceName::Kubernetes => Box::new(KubernetesSource::new(args.jwt_file.clone())),
        SourceName::File => match &args.jwt_file {
            Some(path) => Box::new(FileSource::new(path.clone())),
            None => return usage("--jwt-source file needs --jwt-file FILE"),
        },
        SourceName::Env => match &args.jwt_env {
            Some(variable) => Box::new(EnvSource::new(variable.clone())),
            None => return usage("--jwt-source env needs --jwt-env VAR"),
        },
        SourceName::Oidc => match oidc_source(args, env, client_secret.clone())? {
            Some(source) => Box::new(source),
            None => return usage("--jwt-source oidc needs --oidc-issuer URL"),
        },
        SourceName::Auto => {
            let mut candidates: Vec<Box<dyn JwtSource>> = Vec::new();
            if let Some(path) = &args.jwt_file {
                candidates.push(Box::new(FileSource::new(path.clone())));
            }
            if let Some(variable) = &args.jwt_env {
                candidates.push(Box::new(EnvSource::new(variable.clone())));
            }
            if let Some(source) = oidc_source(args, env, client_secret.clone())? {
                candidates.push(Box::new(source));
            }
            candidates.push(Box::new(GithubSource));
            candidates.push(Box::new(KubernetesSource::new(None)));
            candidates.push(Box::new(AwsSource));
            candidates.push(Box::new(GcpSource));
            candidates.push(Box::new(AzureSource));
            jwt_source::pick_auto(candidates, env).map_err(|e| {
                Failure::classified(e).hint(
                    "choose a source with --jwt-source, or pass --jwt-file, --jwt-env or --oidc-issuer",
                )
            })?
        }
    };
    Ok((source, secret))
}

/// The OIDC client secret (`--client-secret-env` or `--client-secret-file`), read only with
/// `--oidc-issuer`.
fn client_secret(args: &Args, env: &Env) -> Result<Option<Secret>, Failure> {
    if args.oidc_issuer.is_none() {
        return Ok(None);
    }
    Ok(match (&args.client_secret_env, &args.client_secret_file) {
        (Some(variable), _) => Some(Secret::new(env.get(variable).ok_or_else(|| {
            Failure::environment(format!("the client secret variable {variable} is not set"))
        })?)),
        (None, Some(path)) => {
            // ssh's rule for secrets: a regular file of the user's, closed to others.
            kliento::authority::private::check_private_file(path)
                .or_fail("the client secret file")?;
            // A FIFO without data is waited for at most --timeout, never forever.
            let deadline = std::time::Instant::now() + args.timeout;
            let bytes = io::read_secret(path, io::SECRET, deadline)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                Failure::malformed(format!(
                    "the client secret in {} is not UTF-8 text",
                    path.display()
                ))
            })?;
            Some(Secret::new(text.trim()))
        }
        (None, None) => None,
    })
}

fn oidc_source(
    args: &Args,
    env: &Env,
    client_secret: Option<Secret>,
) -> Result<Option<OidcSource>, Failure> {
    let Some(issuer) = args.oidc_issuer.clone() else {
        return Ok(None);
    };
    let Some(client_id) = args.client_id.clone() else {
        return Err(Failure::usage("--oidc-issuer needs --client-id ID"));
    };
    let grant = match args.oidc_grant {
        Some(GrantName::ClientCredentials) => Grant::ClientCredentials,
        Some(GrantName::AuthorizationCode) => Grant::AuthorizationCode,
        None if client_secret.is_some() => Grant::ClientCredentials,
        None => Grant::AuthorizationCode,
    };
    let refresh_store = match grant {
        Grant::AuthorizationCode => refresh_store_path(env, issuer.as_str(), &client_id),
        Grant::ClientCredentials => None,
    };
    let config = OidcConfig {
        issuer,
        client_id,
        client_secret,
        scope: args.oidc_scope.clone(),
        token: match args.oidc_token {
            TokenName::Access => TokenKind::Access,
            TokenName::Id => TokenKind::Id,
        },
        grant,
        refresh_store,
        redirect_port: args.redirect_port,
        login_wait: Duration::from_secs(300),
    };
    // The sign-in URL must reach the user even with -q: nothing happens until it is opened.
    let show = Box::new(|url: &url::Url| {
        io::stderr_line(format_args!(
            "Open this URL in a browser to sign in (waiting up to 5 minutes):"
        ));
        // The URL comes from the provider's discovery document: escaped like any server text.
        io::stderr_line(format_args!("  {}", Esc(url)));
    });
    Ok(Some(OidcSource::new(config, show)))
}
