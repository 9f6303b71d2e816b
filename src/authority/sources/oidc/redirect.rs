//! The loopback redirect listener (RFC 8252 §7.3): waits for the browser to come back to
//! `http://127.0.0.1:<port>/callback` with the code, and tells it how the sign-in ended.

use super::OidcError;
use crate::authority::secret::Secret;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;
use url::Url;

/// The browser's connection for the redirect, answered once the sign-in is checked.
pub(super) struct Browser(TcpStream);

impl Browser {
    /// Tells the browser how the sign-in ended and closes the connection.
    pub(super) fn finish(self, signed_in: bool) {
        let page = if signed_in {
            "kliento: signed in. You can close this window."
        } else {
            "kliento: sign-in failed. See the terminal."
        };
        answer(&self.0, "200 OK", page);
    }
}

fn answer(mut stream: &TcpStream, status: &str, page: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
}

/// What a connection to the redirect listener asked for.
enum Redirect {
    /// Not `/callback` (a favicon), or unreadable: ignored.
    Other,
    /// `/callback` with these query parameters.
    Callback(Url),
}

/// Waits up to `wait` for the browser's redirect to `/callback` with our `state`, serving every
/// connection concurrently (idle or slow local connections cannot delay the real callback).
/// Requests for other paths and callbacks with another `state` (stray or forged requests) are
/// answered and ignored; the sign-in goes on. Returns the code and the browser's connection, to
/// be answered after the checks.
pub(super) fn wait_for_code(
    listener: &TcpListener,
    wait: Duration,
    state: &str,
) -> Result<(Secret, Browser), OidcError> {
    let local = |what: &str, e: std::io::Error| OidcError::Local {
        what: what.into(),
        reason: e.to_string(),
    };
    listener
        .set_nonblocking(true)
        .map_err(|e| local("cannot poll the redirect listener", e))?;
    let (sender, received) = std::sync::mpsc::channel::<(TcpStream, Redirect)>();
    // Polling counts ticks rather than reading the clock (the library never reads it).
    const TICK: Duration = Duration::from_millis(20);
    let ticks = (wait.as_millis() / TICK.as_millis()).max(1);
    for _ in 0..ticks {
        match listener.accept() {
            Ok((stream, _)) => {
                let sender = sender.clone();
                std::thread::spawn(move || {
                    let redirect = read_redirect(&stream);
                    let _ = sender.send((stream, redirect));
                });
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(local("the redirect listener failed", e)),
        }
        match received.recv_timeout(TICK) {
            Ok((stream, Redirect::Other)) => {
                let mut writer = &stream;
                let _ = writer.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
            Ok((stream, Redirect::Callback(url))) => {
                let param = |name: &str| {
                    url.query_pairs()
                        .find(|(key, _)| key == name)
                        .map(|(_, value)| value.into_owned())
                };
                if param("state").as_deref() != Some(state) {
                    // Not this sign-in: a stray or forged request, which must not end it.
                    answer(&stream, "400 Bad Request", "kliento: not this sign-in.");
                    continue;
                }
                let outcome = if let Some(error) = param("error") {
                    let description = param("error_description")
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default();
                    Err(OidcError::Denied {
                        error: format!("{error}{description}").chars().take(200).collect(),
                    })
                } else if let Some(code) = param("code") {
                    Ok(Secret::new(code))
                } else {
                    Err(OidcError::Denied {
                        error: "the redirect carries no code".into(),
                    })
                };
                return match outcome {
                    Ok(code) => Ok((code, Browser(stream))),
                    Err(e) => {
                        Browser(stream).finish(false);
                        Err(e)
                    }
                };
            }
            Err(_) => {}
        }
    }
    Err(OidcError::LoginTimeout {
        seconds: wait.as_secs(),
    })
}

/// Reads the request line of one connection (at most 5 s).
fn read_redirect(stream: &TcpStream) -> Redirect {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(std::io::Read::take(stream, 8 * 1024));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return Redirect::Other;
    }
    let target = line.split(' ').nth(1).unwrap_or_default();
    match Url::parse(&format!("http://127.0.0.1{target}")) {
        Ok(url) if url.path() == "/callback" => Redirect::Callback(url),
        _ => Redirect::Other,
    }
}
