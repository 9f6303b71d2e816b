//! `kliento serve` under misbehaving clients and load, all on loopback and bounded in time:
//! slow headers, thousands of idle connections, oversize and slow bodies, clients leaving
//! mid-body, malformed HTTP, a saturated pool, SIGTERM under load. After each, the server still
//! answers, nothing panicked, and memory stayed bounded.

use crate::support::serve::{AUDIENCE_QUERY, Bundles, Server, read_response, request_bytes};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn server(bundles: &Bundles, extra: &[&str]) -> Server {
    let anchors = bundles.anchors();
    let mut args = vec!["--trust-anchors", anchors.to_str().unwrap()];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// The server still verifies, and never panicked.
fn assert_healthy(server: &Server, bundles: &Bundles) {
    let response = server.post(AUDIENCE_QUERY, None, &bundles.get("valid-user"));
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["status"], "valid");
    let log = server.stderr();
    assert!(!log.contains("panicked"), "{log}");
}

/// Reads until the peer closes; `Err` when it does not within `limit`. The bytes read.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, String> {
    stream.set_read_timeout(Some(limit)).unwrap();
    let started = Instant::now();
    let mut all = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Ok(all),
            Ok(n) => all.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Ok(all),
            Err(e) => return Err(format!("not closed after {:?}: {e}", started.elapsed())),
        }
        if started.elapsed() > limit {
            return Err("not closed in time".into());
        }
    }
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_client_trickling_headers_is_cut_off_at_the_header_timeout() {
    let bundles = Bundles::valid();
    let server = server(&bundles, &["--header-timeout", "1s"]);
    let mut slow = server.connect();
    let started = Instant::now();
    let request = request_bytes(
        "POST",
        AUDIENCE_QUERY,
        &[("X-Padding", &"p".repeat(200))],
        b"",
    );
    let mut closed = false;
    for byte in request.iter().take(150) {
        if slow.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        if started.elapsed() > Duration::from_millis(1500) {
            break;
        }
    }
    // Meanwhile others are served.
    assert_healthy(&server, &bundles);
    if !closed {
        let rest = read_until_closed(&mut slow, Duration::from_secs(5)).unwrap();
        assert!(
            rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
            "{}",
            String::from_utf8_lossy(&rest)
        );
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn two_thousand_idle_connections_neither_block_others_nor_stay_open() {
    let bundles = Bundles::valid();
    let server = server(&bundles, &["--header-timeout", "2s"]);
    let before = rss_kib(server.child.id());
    let mut idle: Vec<TcpStream> = (0..2000)
        .map(|_| TcpStream::connect(server.address).expect("connect"))
        .collect();
    let started = Instant::now();
    let response = server.post(AUDIENCE_QUERY, None, &bundles.get("valid-user"));
    assert_eq!(response.json()["status"], "valid");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let during = rss_kib(server.child.id());
    // Bounded: a few KiB per idle connection at most.
    assert!(
        during < before + 2000 * 16,
        "RSS {before} KiB -> {during} KiB"
    );
    // Every idle connection is closed by the server after the header timeout.
    for stream in idle.iter_mut().step_by(97) {
        read_until_closed(stream, Duration::from_secs(10)).unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(12));
    drop(idle);
    assert_healthy(&server, &bundles);
}

#[test]
fn a_declared_oversize_body_is_answered_unread_and_the_connection_closed() {
    let bundles = Bundles::valid();
    let server = server(&bundles, &[]);
    let mut stream = server.connect();
    let head = format!(
        "POST {AUDIENCE_QUERY} HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n",
        1 << 30
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&[0x30; 1000]).unwrap();
    let response = read_response(&mut stream).expect("answered before the body");
    assert_eq!(response.json()["status"], "malformed");
    let error = response.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("1073741824 bytes, over the 16384-byte limit"),
        "{error}"
    );
    assert_eq!(response.header("connection"), Some("close"));
    read_until_closed(&mut stream, Duration::from_secs(5)).unwrap();
    assert_healthy(&server, &bundles);
}

#[test]
fn an_oversize_chunked_body_is_cut_at_the_limit() {
    let bundles = Bundles::valid();
    let server = server(&bundles, &[]);
    let mut stream = server.connect();
    let head =
        format!("POST {AUDIENCE_QUERY} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = format!("400\r\n{}\r\n", "A".repeat(0x400));
    let mut sent = 0;
    let mut response = None;
    // Up to 64 KiB, slowly; the answer comes once 16 KiB are passed, without the rest.
    for _ in 0..64 {
        if stream.write_all(chunk.as_bytes()).is_err() {
            break;
        }
        sent += 0x400;
        if sent > 16 * 1024 {
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            response = read_response(&mut stream);
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let response = response.expect("an answer after 16 KiB");
    assert_eq!(response.json()["status"], "malformed");
    assert_eq!(response.header("connection"), Some("close"));
    read_until_closed(&mut stream, Duration::from_secs(5)).unwrap();
    assert_healthy(&server, &bundles);
}

#[test]
fn a_body_streamed_too_slowly_times_out_with_408() {
    let bundles = Bundles::valid();
    let server = server(&bundles, &["--body-timeout", "1s"]);
    let mut stream = server.connect();
    let head = format!("POST {AUDIENCE_QUERY} HTTP/1.1\r\nHost: t\r\nContent-Length: 8000\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if stream.write_all(&[0x41; 10]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let response = read_response(&mut stream).expect("a 408");
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(response.status, 408);
    assert_eq!(response.header("connection"), Some("close"));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_healthy(&server, &bundles);
}

#[test]
fn clients_leaving_mid_body_do_not_disturb_the_server() {
    let bundles = Bundles::valid();
    let server = server(&bundles, &[]);
    let user = bundles.get("valid-user");
    for cut in [0, 1, 100, user.len() - 1] {
        let mut stream = server.connect();
        let mut request = request_bytes("POST", AUDIENCE_QUERY, &[], &user);
        let body_starts = request.len() - user.len();
        request.truncate(body_starts + cut);
        stream.write_all(&request).unwrap();
        stream.shutdown(std::net::Shutdown::Both).unwrap();
    }
    let log = server.log_with("POST / 400");
    assert!(log.contains("POST / 400"), "{log}");
    assert_healthy(&server, &bundles);
    // Nothing is left counted in flight but the request asking.
    let metrics = server.request("GET", "/metrics", &[], b"").text();
    assert!(
        metrics.contains("kliento_requests_in_flight 1\n"),
        "{metrics}"
    );
}

#[test]
fn malformed_http_is_refused_and_the_server_carries_on() {
    let bundles = Bundles::valid();
    let server = server(&bundles, &[]);
    let huge_header = format!(
        "GET /healthz HTTP/1.1\r\nX-Big: {}\r\n\r\n",
        "h".repeat(100_000)
    );
    let cases: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"\x00\x01\x02\x03\xff\xfe\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\nno colon here\r\n\r\n".to_vec(),
        b"POST /?audience=a HTTP/1.1\r\nContent-Length: abc\r\n\r\n".to_vec(),
        b"POST /?audience=a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"
            .to_vec(),
        b"POST /?audience=a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        huge_header.into_bytes(),
    ];
    for case in cases {
        let mut stream = server.connect();
        let _ = stream.write_all(&case);
        let answer = read_until_closed(&mut stream, Duration::from_secs(10)).unwrap_or_else(|e| {
            panic!(
                "{e}: {}",
                String::from_utf8_lossy(&case[..40.min(case.len())])
            )
        });
        let text = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || text.starts_with("HTTP/1.1 4") || text.starts_with("HTTP/1.1 200"),
            "{text}"
        );
    }
    assert_healthy(&server, &bundles);
}

#[test]
fn a_saturated_pool_answers_503_with_retry_after_then_recovers() {
    let bundles = Bundles::valid();
    let server = server(
        &bundles,
        &["--workers", "1", "--queue", "1", "--cache-entries", "0"],
    );
    let user = Arc::new(bundles.get("valid-user"));
    let (ok, busy) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    for _round in 0..5 {
        let clients = 200;
        let barrier = Arc::new(Barrier::new(clients));
        let threads: Vec<_> = (0..clients)
            .map(|_| {
                let (user, barrier, ok, busy) =
                    (user.clone(), barrier.clone(), ok.clone(), busy.clone());
                let address = server.address;
                std::thread::spawn(move || {
                    let mut stream = TcpStream::connect(address).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .unwrap();
                    let request = request_bytes("POST", AUDIENCE_QUERY, &[], &user);
                    barrier.wait();
                    stream.write_all(&request).unwrap();
                    let response = read_response(&mut stream).expect("every request is answered");
                    match response.status {
                        200 => ok.fetch_add(1, Ordering::SeqCst),
                        503 => {
                            assert_eq!(response.header("retry-after"), Some("1"));
                            busy.fetch_add(1, Ordering::SeqCst)
                        }
                        other => panic!("HTTP {other}"),
                    };
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        if busy.load(Ordering::SeqCst) > 0 {
            break;
        }
    }
    assert!(busy.load(Ordering::SeqCst) > 0, "the pool never filled");
    assert!(ok.load(Ordering::SeqCst) > 0);
    assert_healthy(&server, &bundles);
    let log = server.log_with("POST / 503 ");
    assert!(log.contains("POST / 503 "), "{log}");
}

#[test]
fn sigterm_under_load_answers_every_accepted_request_and_exits_0() {
    let bundles = Bundles::valid();
    let mut server = server(&bundles, &["--cache-entries", "0"]);
    let user = Arc::new(bundles.get("valid-user"));
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (user, stop, answered) = (user.clone(), stop.clone(), answered.clone());
            let address = server.address;
            std::thread::spawn(move || {
                let request = request_bytes("POST", AUDIENCE_QUERY, &[], &user);
                'connections: while !stop.load(Ordering::Relaxed) {
                    let Ok(mut stream) = TcpStream::connect(address) else {
                        return; // the listener is closed: draining
                    };
                    stream
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .unwrap();
                    for _ in 0..20 {
                        if stream.write_all(&request).is_err() {
                            continue 'connections;
                        }
                        match read_response(&mut stream) {
                            Some(response) => {
                                assert_eq!(response.status, 200);
                                answered.fetch_add(1, Ordering::SeqCst);
                                if response.header("connection") == Some("close") {
                                    continue 'connections;
                                }
                            }
                            // Closed before any byte of an answer: the request was not
                            // accepted (it met the drain), which the server's log confirms.
                            None => continue 'connections,
                        }
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.terminate();
    assert_eq!(server.wait(Duration::from_secs(15)), Some(0));
    stop.store(true, Ordering::Relaxed);
    for thread in threads {
        thread.join().unwrap();
    }
    let log = server.stderr();
    let handled = log.lines().filter(|l| l.starts_with("POST / ")).count();
    let answered = answered.load(Ordering::SeqCst);
    assert!(answered > 8, "{answered}");
    assert_eq!(
        handled, answered,
        "every request the server took was answered: {log}"
    );
    assert!(log.contains("serve: stopped"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn past_the_connection_limit_clients_wait_until_a_connection_frees() {
    let bundles = Bundles::valid();
    let server = server(
        &bundles,
        &["--max-connections", "1", "--header-timeout", "1s"],
    );
    let _idle = server.connect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let response = server.request("GET", "/healthz", &[], b"");
    assert_eq!(response.status, 200);
    let waited = started.elapsed();
    assert!(
        waited > Duration::from_millis(500) && waited < Duration::from_secs(5),
        "served after {waited:?}: the idle connection held the only slot until its timeout"
    );
}

#[test]
fn idle_keep_alive_connections_close_after_the_idle_timeout_in_http1_and_http2() {
    let bundles = Bundles::valid();
    let server = server(
        &bundles,
        &["--idle-timeout", "1s", "--header-timeout", "30s"],
    );
    // HTTP/1.1: one request, then nothing.
    let mut http1 = server.connect();
    http1
        .write_all(&request_bytes("GET", "/healthz", &[], b""))
        .unwrap();
    assert_eq!(read_response(&mut http1).unwrap().status, 200);
    // HTTP/2 with prior knowledge: the preface and an empty SETTINGS frame, then nothing.
    let mut http2 = server.connect();
    http2
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .unwrap();
    let started = Instant::now();
    read_until_closed(&mut http1, Duration::from_secs(10)).unwrap();
    let frames = read_until_closed(&mut http2, Duration::from_secs(10)).unwrap();
    let waited = started.elapsed();
    assert!(
        waited > Duration::from_millis(700) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
    // The server's SETTINGS, then a GOAWAY (type 7) before closing.
    assert!(frames.len() > 9 && frames[3] == 4, "{frames:?}");
    assert!(
        frames.windows(2).any(|w| w == [0x07, 0x00]),
        "no GOAWAY: {frames:?}"
    );
    assert_healthy(&server, &bundles);
}
