//! A minimal HTTP server that knows who its clients are: each request carries
//! `Authorization: Kliento <base64>`, verified offline with [`kliento::Verifier`] for this
//! server's audience. 200 with the subject and claims, or 401 with the reason.
//!
//! ```sh
//! cargo run --example server -- 127.0.0.1:8080                    # IANA root anchors
//! cargo run --example server -- 127.0.0.1:8080 test-root.ds       # a test chain's anchors
//! curl -H "Authorization: $(cat token.hdr)" http://127.0.0.1:8080/
//! ```
//!
//! The same stack as `kliento serve` (tokio and hyper 1); verification (RSA, DNSSEC) is CPU
//! work, so it runs on tokio's blocking pool, not on the reactor.

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use kliento::{TokenBundle, Verifier};
use std::convert::Infallible;
use tokio::net::TcpListener;

/// Who the tokens must be for: this server.
const AUDIENCE: &str = "https://api.example.com";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let address = args.next().unwrap_or_else(|| "127.0.0.1:8080".into());
    let verifier = match args.next() {
        Some(path) => Verifier::with_trust_anchors(kliento::dnssec::parse_trust_anchors(
            &std::fs::read_to_string(path)?,
        )?),
        None => Verifier::new(),
    };
    let listener = TcpListener::bind(&address).await?;
    println!("listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let verifier = verifier.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| authenticate(verifier.clone(), request));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn authenticate(
    verifier: Verifier,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let verified = tokio::task::spawn_blocking(move || {
        let bundle = TokenBundle::from_auth_header(&header)?;
        verifier.verify(&bundle, AUDIENCE)
    })
    .await;
    let (status, body) = match verified {
        Ok(Ok(verified)) => {
            let mut body = format!("hello {}\n", verified.subject_id);
            for (name, value) in verified.token.claims.iter() {
                body.push_str(&format!("{name}={value}\n"));
            }
            (StatusCode::OK, body)
        }
        // Malformed or invalid: the reason, as Kliento Verifier words it.
        Ok(Err(rejection)) => (StatusCode::UNAUTHORIZED, format!("{rejection}\n")),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n".into()),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if status == StatusCode::UNAUTHORIZED {
        let challenge = hyper::header::HeaderValue::from_static("Kliento");
        response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
    }
    Ok(response)
}
