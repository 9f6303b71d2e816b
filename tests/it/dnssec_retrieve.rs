//! Live chain retrieval against scripted servers on loopback: plain DNS (UDP, TCP fallback,
//! retries, id and question checks, failures) and DNS-over-HTTPS (request shape, statuses).

use crate::support::dns::{StubDns, Via, reply, reply_bytes};
use crate::support::http::{Answer, HttpServer, Reply};
use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use kliento::dnssec::retrieve::{
    self, DnsOverHttps, Limits, PlainDns, Protocol, Question, RetrieveError, Transport,
};
use kliento::dnssec::validate::RrType;
use kliento::domain::Domain;
use std::collections::HashMap;
use std::net::UdpSocket;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn question(name: &str, record_type: RrType) -> Question {
    Question::new(name, record_type).unwrap()
}

/// A TXT answer naming the question, so that each response is recognisable.
fn txt_for(query: &Message, text: &str) -> Vec<Record> {
    let name = query.queries[0].name().clone();
    vec![Record::from_rdata(
        name,
        300,
        RData::TXT(TXT::new(vec![text.to_string()])),
    )]
}

fn quick() -> Limits {
    Limits {
        timeout: Duration::from_millis(300),
        attempts: 2,
        deadline: None,
    }
}

#[test]
fn retrieves_every_message_in_veraid_js_order_with_raw_bytes_kept() {
    let sent: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
    let server = StubDns::start({
        let sent = sent.clone();
        move |_, query| {
            let q = &query.queries[0];
            let key = format!("{}/{}", q.name().to_ascii(), q.query_type());
            // Vary the id-independent parts so a re-encoding would be noticed: an AA flag and
            // a distinct TXT per question.
            let mut response = reply(query, txt_for(query, &key));
            response.metadata.authoritative = true;
            let bytes = response.to_vec().unwrap();
            sent.lock().unwrap().insert(key, bytes.clone());
            vec![bytes]
        }
    });
    let domain: Domain = "example.com".parse().unwrap();
    let transport = PlainDns::at(server.address, quick());
    let responses = retrieve::retrieve(&domain, &transport).unwrap();
    let expected: Vec<String> = retrieve::chain_questions(&domain)
        .unwrap()
        .iter()
        .map(Question::to_string)
        .collect();
    let got: Vec<String> = responses.iter().map(|r| r.question.to_string()).collect();
    assert_eq!(got, expected);
    let sent = sent.lock().unwrap();
    for response in &responses {
        assert_eq!(
            response.answer.raw,
            sent[&response.question.to_string()],
            "{}",
            response.question
        );
        assert_eq!(response.answer.protocol, Protocol::Udp);
    }
}

#[test]
fn sends_rd_cd_and_the_do_bit_with_a_1232_byte_payload_over_udp() {
    let server = StubDns::start(|_, query| vec![reply_bytes(query, vec![])]);
    let transport = PlainDns::at(server.address, quick());
    transport.exchange(&question("com.", RrType::Ds)).unwrap();
    let queries = server.queries(Via::Udp);
    assert_eq!(queries.len(), 1);
    let query = &queries[0];
    assert!(query.metadata.recursion_desired);
    assert!(query.metadata.checking_disabled);
    let edns = query.edns.as_ref().expect("an OPT record");
    assert!(edns.flags().dnssec_ok);
    assert_eq!(edns.max_payload(), 1232);
}

#[test]
fn falls_back_to_tcp_when_the_udp_answer_is_truncated() {
    let server = StubDns::start(|via, query| match via {
        Via::Udp => {
            let mut truncated = reply(query, vec![]);
            truncated.metadata.truncation = true;
            vec![truncated.to_vec().unwrap()]
        }
        Via::Tcp => vec![reply_bytes(query, txt_for(query, "over tcp"))],
    });
    let transport = PlainDns::at(server.address, quick());
    let answer = transport
        .exchange(&question("_veraid.example.com.", RrType::Txt))
        .unwrap();
    assert_eq!(answer.protocol, Protocol::TcpAfterTruncation);
    let message = Message::from_vec(&answer.raw).unwrap();
    assert!(!message.metadata.truncation);
    assert_eq!(message.answers.len(), 1);
    assert_eq!(server.queries(Via::Tcp).len(), 1);
}

#[test]
fn ignores_udp_answers_with_another_id_and_keeps_listening() {
    let server = StubDns::start(|_, query| {
        let mut stray = reply(query, txt_for(query, "stray"));
        stray.metadata.id = query.metadata.id.wrapping_add(1);
        vec![
            stray.to_vec().unwrap(),
            reply_bytes(query, txt_for(query, "genuine")),
        ]
    });
    let transport = PlainDns::at(server.address, quick());
    let answer = transport
        .exchange(&question("com.", RrType::Dnskey))
        .unwrap();
    let message = Message::from_vec(&answer.raw).unwrap();
    let RData::TXT(txt) = &message.answers[0].data else {
        panic!("not a TXT answer");
    };
    assert_eq!(txt.to_string(), "genuine");
}

#[test]
fn times_out_naming_the_discarded_answers_when_none_matches_the_question() {
    let server = StubDns::start(|_, query| {
        let mut other = query.clone();
        other.queries[0].set_query_type(RecordType::A);
        vec![reply_bytes(&other, vec![])]
    });
    let transport = PlainDns::at(server.address, quick());
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            // Issue 18.6: one discarded datagram per attempt, counted across both attempts.
            "{} did not answer com./DS over UDP: no answer within 300 ms (2 attempts); ignored 2 \
             unrelated response(s), the last because the response does not answer the query: it \
             answers com./A IN instead of com./DS",
            server.address
        )
    );
    assert_eq!(server.queries(Via::Udp).len(), 2);
}

#[test]
fn retries_once_after_a_lost_udp_answer() {
    let seen = AtomicU32::new(0);
    let server = StubDns::start(move |_, query| {
        if seen.fetch_add(1, Ordering::Relaxed) == 0 {
            vec![]
        } else {
            vec![reply_bytes(query, vec![])]
        }
    });
    let transport = PlainDns::at(server.address, quick());
    let answer = transport
        .exchange(&question("example.com.", RrType::Ds))
        .unwrap();
    assert_eq!(
        answer.retried_after.as_deref(),
        Some("no answer within 300 ms (1 attempt)")
    );
    let queries = server.queries(Via::Udp);
    assert_eq!(queries.len(), 2);
    assert_ne!(
        queries[0].metadata.id, queries[1].metadata.id,
        "each attempt uses a fresh id"
    );
}

#[test]
fn reports_connection_refused_on_a_dead_port_naming_server_and_query() {
    let dead = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let domain: Domain = "example.com".parse().unwrap();
    let transport = PlainDns::at(dead, quick());
    let Err(RetrieveError::Transport(error)) = retrieve::retrieve(&domain, &transport) else {
        panic!("retrieval from a dead port succeeded");
    };
    assert_eq!(
        error.to_string(),
        format!("{dead} did not answer ./DNSKEY over UDP: connection refused")
    );
}

#[test]
fn keeps_nxdomain_answers_for_the_validator_to_judge() {
    let server = StubDns::start(|_, query| {
        let mut response = reply(query, vec![]);
        response.metadata.response_code = ResponseCode::NXDomain;
        vec![response.to_vec().unwrap()]
    });
    let transport = PlainDns::at(server.address, quick());
    let answer = transport
        .exchange(&question("_veraid.example.com.", RrType::Txt))
        .unwrap();
    assert_eq!(answer.response_code, 3);
    assert_eq!(answer.response_code_name(), "NXDOMAIN");
}

#[test]
fn rejects_a_tcp_answer_to_another_question() {
    let server = StubDns::start(|via, query| {
        let mut response = reply(query, vec![]);
        match via {
            Via::Udp => response.metadata.truncation = true,
            Via::Tcp => {
                response.queries[0].set_name(Name::from_ascii("org.").unwrap());
            }
        }
        vec![response.to_vec().unwrap()]
    });
    let transport = PlainDns::at(server.address, quick());
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} did not answer com./DS over TCP: the response does not answer the query: it \
             answers org./DS IN instead of com./DS",
            server.address
        )
    );
}

/// A DoH handler answering every well-formed POST with a TXT record naming the question.
fn dns_reply(request: &crate::support::http::Request) -> Reply {
    let query = Message::from_vec(&request.body).unwrap();
    Reply {
        status: 200,
        content_type: "application/dns-message",
        body: reply_bytes(&query, txt_for(&query, "from doh")),
    }
}

#[test]
fn doh_posts_a_padded_application_dns_message_with_id_zero() {
    let server = HttpServer::doh(dns_reply);
    let transport = DnsOverHttps::new(&server.url, quick()).unwrap();
    transport
        .exchange(&question("_veraid.example.com.", RrType::Txt))
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/dns-query");
    assert_eq!(
        request.content_type.as_deref(),
        Some("application/dns-message")
    );
    assert_eq!(request.accept.as_deref(), Some("application/dns-message"));
    assert_eq!(request.body.len() % 128, 0, "RFC 8467 block padding");
    let query = Message::from_vec(&request.body).unwrap();
    assert_eq!(query.metadata.id, 0, "RFC 8484 §4.1");
    assert!(query.metadata.checking_disabled);
    let edns = query.edns.as_ref().unwrap();
    assert!(edns.flags().dnssec_ok);
    assert_eq!(edns.max_payload(), 4096);
}

#[test]
fn doh_keeps_the_response_bytes_as_received() {
    let sent: Arc<Mutex<Vec<u8>>> = Arc::default();
    let server = HttpServer::doh({
        let sent = sent.clone();
        move |request| {
            let reply = dns_reply(request);
            *sent.lock().unwrap() = reply.body.clone();
            reply
        }
    });
    let transport = DnsOverHttps::new(&server.url, quick()).unwrap();
    let answer = transport
        .exchange(&question("com.", RrType::Dnskey))
        .unwrap();
    assert_eq!(answer.protocol, Protocol::Https);
    assert_eq!(answer.raw, *sent.lock().unwrap());
}

#[test]
fn doh_reports_a_client_error_status_without_retrying() {
    let server = HttpServer::doh(|_| Reply {
        status: 415,
        content_type: "text/plain",
        body: b"unsupported media type".to_vec(),
    });
    let transport = DnsOverHttps::new(&server.url, quick()).unwrap();
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{} did not answer com./DS over DNS-over-HTTPS: HTTP status 415",
            server.url
        )
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn doh_retries_once_after_a_server_error_status() {
    let server = HttpServer::doh(|_| Reply {
        status: 503,
        content_type: "text/plain",
        body: Vec::new(),
    });
    let transport = DnsOverHttps::new(&server.url, quick()).unwrap();
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert!(error.to_string().ends_with("HTTP status 503"), "{error}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn doh_does_not_follow_redirects() {
    let server = HttpServer::doh(|_| Reply {
        status: 302,
        content_type: "text/plain",
        body: Vec::new(),
    });
    let transport = DnsOverHttps::new(&server.url, quick()).unwrap();
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert!(error.to_string().ends_with("HTTP status 302"), "{error}");
}

#[test]
fn doh_rejects_a_response_that_is_not_a_dns_message() {
    let server = HttpServer::doh(|_| Reply {
        status: 200,
        content_type: "text/html; charset=utf-8",
        body: b"<html>captive portal</html>".to_vec(),
    });
    let transport = DnsOverHttps::new(&server.url, quick()).unwrap();
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert!(
        error.to_string().ends_with(
            "the response has content type \"text/html; charset=utf-8\", not application/dns-message"
        ),
        "{error}"
    );
}

#[test]
fn doh_rejects_an_unparsable_dns_message() {
    let server = HttpServer::doh(|_| Reply {
        status: 200,
        content_type: "application/dns-message",
        body: vec![0, 0, 0x80],
    });
    let transport = DnsOverHttps::new(&server.url, quick()).unwrap();
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the response is not a valid DNS message"),
        "{error}"
    );
}

#[test]
fn doh_reports_a_dead_port_as_an_http_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/dns-query");
    let transport = DnsOverHttps::new(&url, quick()).unwrap();
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "{url} did not answer com./DS over DNS-over-HTTPS: "
        )),
        "{text}"
    );
    assert!(text.contains("onnection refused"), "{text}");
}

/// A TLS listener on loopback whose certificate no root vouches for; it only handshakes, and
/// counts the connections it accepted.
fn untrusted_tls_server() -> (u16, Arc<AtomicU32>) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicU32::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let mut connection = rustls::ServerConnection::new(config.clone()).unwrap();
            // The client aborts the handshake; the error is expected and ignored.
            let _ = connection.complete_io(&mut stream);
        }
    });
    (port, accepted)
}

#[test]
fn doh_over_https_rejects_a_certificate_no_root_vouches_for() {
    let (port, accepted) = untrusted_tls_server();
    let url = format!("https://127.0.0.1:{port}/dns-query");
    let transport = DnsOverHttps::new(&url, quick()).unwrap();
    let error = transport
        .exchange(&question("com.", RrType::Ds))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{url} did not answer com./DS over DNS-over-HTTPS: the server's TLS certificate is \
             not valid (not retried): invalid peer certificate: UnknownIssuer"
        )
    );
    // Issue 17.10: a bad certificate is permanent: one connection, no retry (quick() allows 2).
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn asks_every_question_before_any_answer_arrives() {
    // A server that answers nothing until it holds all eight questions: a retrieval that waited
    // for one answer before asking the next question would time out.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = socket.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut held = Vec::new();
        let mut buffer = vec![0u8; 65_535];
        while held.len() < 8 {
            let (n, peer) = socket
                .recv_from(&mut buffer)
                .expect("eight queries in time");
            held.push((peer, Message::from_vec(&buffer[..n]).unwrap()));
        }
        for (peer, query) in &held {
            socket.send_to(&reply_bytes(query, vec![]), peer).unwrap();
        }
    });
    let domain: Domain = "example.com".parse().unwrap();
    let transport = PlainDns::at(
        address,
        Limits {
            timeout: Duration::from_secs(5),
            attempts: 1,
            deadline: None,
        },
    );
    let responses = retrieve::retrieve(&domain, &transport).unwrap();
    assert_eq!(responses.len(), 8);
    server.join().unwrap();
}

// Issue 18: deadlines that hold against misbehaving loopback peers.

use std::time::Instant;

/// A DNS response of about `size` bytes to `query` (TXT strings of 200 bytes).
fn big_reply(query: &Message, size: usize) -> Vec<u8> {
    let name = query.queries[0].name().clone();
    let records = (0..size / 210)
        .map(|i| {
            Record::from_rdata(
                name.clone(),
                300,
                RData::TXT(TXT::new(vec![format!("{i:03}{}", "x".repeat(197))])),
            )
        })
        .collect();
    reply_bytes(query, records)
}

/// A plain DNS server whose UDP answers are truncated and whose TCP answers (about 2000
/// bytes) are dripped one byte every `every`.
fn dripping_dns(every: Duration) -> StubDns {
    StubDns::start_paced(Some(every), |via, query| match via {
        Via::Udp => {
            let mut truncated = reply(query, vec![]);
            truncated.metadata.truncation = true;
            vec![truncated.to_vec().unwrap()]
        }
        Via::Tcp => vec![big_reply(query, 2000)],
    })
}

/// A DoH server on loopback answering each query with a dripping 2000-byte DNS answer (headers
/// at once, then one byte every 100 ms).
fn dripping_doh() -> HttpServer {
    HttpServer::start(|request| {
        let query = Message::from_vec(&request.body).unwrap();
        Answer::Drip(
            200,
            "application/dns-message",
            big_reply(&query, 2000),
            Duration::from_millis(100),
        )
    })
}

fn one_attempt(timeout: Duration) -> Limits {
    Limits {
        timeout,
        attempts: 1,
        deadline: None,
    }
}

/// 18.1: over TCP, `--timeout` bounds the whole answer; a server dripping one byte every 50 ms
/// (each read well within the timeout) is cut at the deadline (before: about 100 s).
#[test]
fn tcp_timeout_bounds_the_whole_answer_of_a_dripping_server() {
    let server = dripping_dns(Duration::from_millis(50));
    let transport = PlainDns::at(server.address, one_attempt(Duration::from_secs(1)));
    let started = Instant::now();
    let error = transport
        .exchange(&question("example.com.", RrType::Dnskey))
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert_eq!(error.protocol, "TCP");
    assert!(
        error.to_string().contains("no answer within 1000 ms"),
        "{error}"
    );
}

/// 18.1: over DoH, the headers at once and then a dripping body are cut at the deadline
/// (before: about 200 s).
#[test]
fn doh_timeout_bounds_the_whole_body_of_a_dripping_server() {
    let server = dripping_doh();
    let transport = DnsOverHttps::new(&server.url, one_attempt(Duration::from_secs(1))).unwrap();
    let started = Instant::now();
    let error = transport
        .exchange(&question("example.com.", RrType::Dnskey))
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(
        error.to_string().contains("no answer within 1000 ms"),
        "{error}"
    );
}

/// 18.1: an endless chunked body is cut at the deadline too (before: until the 64 KiB cap,
/// about 34 minutes at 32 bytes a second).
#[test]
fn doh_timeout_bounds_an_endless_chunked_body() {
    // 32 bytes a second.
    let server = HttpServer::scripted(vec![Answer::EndlessChunks(
        "application/dns-message",
        Duration::from_millis(31),
    )]);
    let transport = DnsOverHttps::new(&server.url, one_attempt(Duration::from_secs(1))).unwrap();
    let started = Instant::now();
    assert!(
        transport
            .exchange(&question("example.com.", RrType::Dnskey))
            .is_err()
    );
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
}

/// 18.1: the overall deadline ends the retries of a DoH query, whatever the attempts left.
#[test]
fn doh_overall_deadline_ends_the_retries() {
    let server = HttpServer::scripted(vec![Answer::Hang]);
    let limits = Limits {
        timeout: Duration::from_secs(1),
        attempts: 10,
        deadline: Some(Instant::now() + Duration::from_millis(1500)),
    };
    let transport = DnsOverHttps::new(&server.url, limits).unwrap();
    let started = Instant::now();
    let error = transport
        .exchange(&question("example.com.", RrType::Dnskey))
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(error.to_string().contains("overall deadline"), "{error}");
}

/// 18.1: the overall deadline ends the retries of a plain DNS query to a silent server.
#[test]
fn udp_overall_deadline_ends_the_retries() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let limits = Limits {
        timeout: Duration::from_secs(1),
        attempts: 10,
        deadline: Some(Instant::now() + Duration::from_millis(1500)),
    };
    let transport = PlainDns::at(silent.local_addr().unwrap(), limits);
    let started = Instant::now();
    let error = transport
        .exchange(&question("example.com.", RrType::Dnskey))
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(error.to_string().contains("overall deadline"), "{error}");
}

/// 18.3: a UDP datagram larger than the payload size kliento advertised (1232) is dropped; the
/// conforming answer that follows is the one kept.
#[test]
fn udp_datagram_larger_than_advertised_is_ignored() {
    let server = StubDns::start(|_, query| {
        vec![
            big_reply(query, 4000),
            reply_bytes(query, txt_for(query, "small")),
        ]
    });
    let transport = PlainDns::at(server.address, quick());
    let answer = transport
        .exchange(&question("example.com.", RrType::Dnskey))
        .unwrap();
    assert!(answer.raw.len() <= 1232, "{} bytes kept", answer.raw.len());
    assert_eq!(answer.protocol, Protocol::Udp);
}

/// 18.2: credentials in a DoH URL are refused, and never shown.
#[test]
fn doh_url_with_credentials_is_refused_without_showing_them() {
    for url in [
        "http://alice:s3cr3tpw@127.0.0.1:1/dns-query",
        "https://alice:s3cr3tpw@dns.example/dns-query",
    ] {
        let error = DnsOverHttps::new(url, quick()).unwrap_err().to_string();
        assert!(error.contains("credentials"), "{error}");
        assert!(!error.contains("s3cr3tpw"), "{error}");
    }
}

/// 18.6: datagrams dropped are counted across every attempt, not only the last one.
#[test]
fn counts_ignored_datagrams_across_attempts() {
    let calls = Arc::new(AtomicU32::new(0));
    let server = StubDns::start({
        let calls = calls.clone();
        move |_, query| {
            let mut wrong = reply(query, vec![]);
            wrong.metadata.id = query.metadata.id.wrapping_add(1);
            let wrong = wrong.to_vec().unwrap();
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                vec![wrong.clone(), wrong]
            } else {
                vec![wrong, reply_bytes(query, txt_for(query, "ok"))]
            }
        }
    });
    let transport = PlainDns::at(server.address, quick());
    let answer = transport
        .exchange(&question("example.com.", RrType::Txt))
        .unwrap();
    assert_eq!(answer.ignored, 3);
    assert!(answer.retried_after.is_some());
}
