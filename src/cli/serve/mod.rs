//! `kliento serve`: a drop-in Kliento Verifier (kliento-authority digest §3) on tokio + hyper,
//! verifying on a bounded pool of worker threads through the library's [`Verifier`].

mod handler;
mod metrics;
mod pool;

use super::anchors::load_anchors;
use super::failure::{Failure, OrFail};
use super::io;
use super::text::escape;
use super::ui::Ui;
use super::values;
use handler::Shared;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use kliento::Verifier;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// Serve Kliento Verifier's HTTP API
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Serve Kliento Verifier's HTTP API: POST /?audience=AUDIENCE with a \
    token bundle (DER, or Content-Type application/vnd.kliento.auth-header and `Kliento \
    <base64>`) answers 200 with {\"status\":\"valid\",\"subject\",\"subjectId\",\"claims\"} or \
    {\"status\":\"invalid\"|\"malformed\",\"error\"}. Also GET /healthz, /readyz and /metrics. \
    Verification runs offline on a pool of worker threads; SIGTERM or SIGINT drains and exits 0."
)]
pub struct Args {
    /// Address to listen on, IPv4 or IPv6 (repeatable, or comma-separated in the variable)
    #[arg(long = "listen", value_name = "ADDR", env = "KLIENTO_LISTEN", value_delimiter = ',',
          default_value = "127.0.0.1:3000", value_parser = listen_address)]
    listen: Vec<SocketAddr>,

    /// DS records of the root (zone-file form) to trust instead of the IANA root KSKs
    #[arg(long, value_name = "FILE", env = "KLIENTO_TRUST_ANCHORS")]
    trust_anchors: Option<PathBuf>,

    /// Verification worker threads [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: Option<u16>,

    /// Verifications that may wait for a worker; past that, 503 with Retry-After
    #[arg(long, value_name = "N", default_value_t = 256)]
    queue: usize,

    /// Open connections at most; further clients wait in the listen backlog
    #[arg(long, value_name = "N", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: u32,

    /// Time for a request's headers to arrive, counted from when the connection starts
    /// waiting for a request (so an idle HTTP/1.1 connection is closed after it too)
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    header_timeout: Duration,

    /// Keep-alive: a connection with no request in progress for this long is closed (HTTP/1.1
    /// and HTTP/2)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    idle_timeout: Duration,

    /// Time for a request's body to arrive
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    body_timeout: Duration,

    /// On SIGTERM or SIGINT, time left to answer the requests already accepted
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    shutdown_timeout: Duration,

    /// Verified results kept for bundles sent again (0 disables the cache)
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    cache_entries: usize,

    /// Request log lines on stderr: text or JSON
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// How request log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text
    Text,
    /// One JSON object per line
    Json,
}

fn listen_address(text: &str) -> Result<SocketAddr, String> {
    text.trim().parse().map_err(|_| {
        format!("\"{text}\" is not an address: use IP:PORT, e.g. 127.0.0.1:3000 or [::1]:3000")
    })
}

fn duration(text: &str) -> Result<Duration, String> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("\"{text}\" is not a duration: use 500ms, 10s, 2m or seconds"));
    }
    values::seconds(text).map(Duration::from_secs)
}

/// Runs the server until SIGTERM or SIGINT, then drains.
pub fn run(ui: &Ui, args: Args) -> Result<(), Failure> {
    let anchors = load_anchors(args.trust_anchors.as_deref())?;
    let verifier = Verifier::with_trust_anchors(anchors);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let workers = args.workers.map_or(cores, usize::from);
    let pool =
        pool::Pool::new(workers, args.queue).or_fail("cannot start the verification workers")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores.min(4))
        .thread_name("kliento-io")
        .enable_all()
        .build()
        .or_fail("cannot start the I/O runtime")?;
    let shared = Arc::new(Shared::new(
        verifier,
        pool,
        args.cache_entries,
        args.body_timeout,
        args.log_format,
        ui.quiet(),
    ));
    let result = runtime.block_on(serve(ui, &args, shared));
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

async fn bind(address: SocketAddr) -> Result<TcpListener, Failure> {
    let listener = (|| {
        let domain = socket2::Domain::for_address(address);
        let socket = socket2::Socket::new(domain, socket2::Type::STREAM, None)?;
        if address.is_ipv6() {
            // [::] means IPv6 only, so that 0.0.0.0 can be listened on beside it.
            socket.set_only_v6(true)?;
        }
        socket.set_reuse_address(true)?;
        socket.set_nonblocking(true)?;
        socket.bind(&address.into())?;
        socket.listen(1024)?;
        TcpListener::from_std(socket.into())
    })();
    listener.map_err(|e| {
        Failure::environment(format!("cannot listen on {address}: {}", io::io_reason(&e)))
            .hint("pick another --listen address, or stop what listens there")
    })
}

async fn serve(ui: &Ui, args: &Args, shared: Arc<Shared>) -> Result<(), Failure> {
    let mut listeners = Vec::new();
    for address in &args.listen {
        listeners.push(bind(*address).await?);
    }
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .or_fail("cannot listen for SIGTERM")?;
    let urls: Vec<String> = listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .map(|a| format!("http://{a}"))
        .collect();
    ui.print_line(format!("listening on {}", urls.join(" ")))?;

    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(args.header_timeout)
        .max_buf_size(64 * 1024);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(64)
        .max_header_list_size(16 * 1024)
        .keep_alive_interval(args.header_timeout)
        .keep_alive_timeout(args.header_timeout);
    let builder = Arc::new(builder);
    let connections = Arc::new(Semaphore::new(args.max_connections as usize));
    let (stop, stopped) = watch::channel(false);
    let mut accepting = Vec::new();
    for listener in listeners {
        accepting.push(tokio::spawn(accept_loop(
            listener,
            builder.clone(),
            connections.clone(),
            shared.clone(),
            stopped.clone(),
            Timeouts {
                header: args.header_timeout,
                idle: args.idle_timeout,
            },
        )));
    }

    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    // Stop accepting, say so to probes, and let every accepted request be answered.
    shared.draining.store(true, Ordering::SeqCst);
    let _ = stop.send(true);
    for task in accepting {
        let _ = task.await;
    }
    let open = args.max_connections as usize - connections.available_permits();
    shared.note(&format!(
        "draining: {open} connection(s) open, up to {:?}",
        args.shutdown_timeout
    ));
    let all_closed = async {
        while shared.connections.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    if tokio::time::timeout(args.shutdown_timeout, all_closed)
        .await
        .is_err()
    {
        let open = args.max_connections as usize - connections.available_permits();
        shared.note(&format!(
            "shutdown timeout: closing {open} connection(s) with requests unanswered"
        ));
    } else {
        shared.note("stopped");
    }
    Ok(())
}

/// The connection timeouts.
#[derive(Clone, Copy)]
struct Timeouts {
    header: Duration,
    idle: Duration,
}

async fn accept_loop(
    listener: TcpListener,
    builder: Arc<auto::Builder<TokioExecutor>>,
    connections: Arc<Semaphore>,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    timeouts: Timeouts,
) {
    loop {
        let permit = tokio::select! {
            biased;
            _ = stopped.wait_for(|stop| *stop) => return,
            permit = connections.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        let accepted = tokio::select! {
            biased;
            _ = stopped.wait_for(|stop| *stop) => return,
            accepted = listener.accept() => accepted,
        };
        let (stream, _peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was accepted.
                shared.note(&format!("accept failed: {}", io::io_reason(&e)));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let (builder, shared, stopped) = (builder.clone(), shared.clone(), stopped.clone());
        tokio::spawn(async move {
            connection(stream, &builder, &shared, stopped, timeouts).await;
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
        });
    }
}

/// Serves one connection until it closes: on drain or after the idle timeout it is shut down
/// gracefully (the request in progress, if any, is answered first).
async fn connection(
    stream: tokio::net::TcpStream,
    builder: &auto::Builder<TokioExecutor>,
    shared: &Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    timeouts: Timeouts,
) {
    // hyper's header timeout starts once the protocol is known, after the first byte: a client
    // that sends nothing at all is closed after the same time.
    let mut first = [0u8; 1];
    let sent = tokio::select! {
        biased;
        _ = stopped.wait_for(|stop| *stop) => false,
        peeked = tokio::time::timeout(timeouts.header, stream.peek(&mut first)) => {
            matches!(peeked, Ok(Ok(n)) if n > 0)
        }
    };
    if !sent {
        return;
    }
    let activity = Arc::new(Activity::default());
    let service = {
        let (shared, activity) = (shared.clone(), activity.clone());
        hyper::service::service_fn(move |request| {
            let (shared, activity) = (shared.clone(), activity.clone());
            async move {
                let _busy = activity.begin();
                Ok::<_, std::convert::Infallible>(shared.handle(request).await)
            }
        })
    };
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let mut closing = false;
    // An idle connection shut down gracefully that still does not close (an HTTP/2 client not
    // answering the GOAWAY's ping) is dropped after this.
    let mut force_at: Option<tokio::time::Instant> = None;
    loop {
        // While a request is in progress, look again after the idle time; otherwise close
        // when the idle time since the last request is over.
        let check_at = activity.idle_deadline(timeouts.idle);
        tokio::select! {
            // Errors (malformed HTTP, resets, timeouts) just close the connection.
            _ = connection.as_mut() => return,
            _ = stopped.wait_for(|stop| *stop), if !closing => {
                connection.as_mut().graceful_shutdown();
                closing = true;
            }
            _ = tokio::time::sleep_until(check_at), if !closing => {
                if activity.idle_for(timeouts.idle) {
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                    force_at = Some(tokio::time::Instant::now() + Duration::from_secs(1));
                }
            }
            _ = tokio::time::sleep_until(force_at.unwrap_or_else(tokio::time::Instant::now)),
                if force_at.is_some() => {
                if activity.idle_for(Duration::ZERO) {
                    return;
                }
                force_at = None; // a request came in meanwhile: it is answered first
            }
        }
    }
}

/// Requests in progress on a connection, and when the last one ended.
struct Activity {
    active: std::sync::atomic::AtomicUsize,
    last: std::sync::Mutex<tokio::time::Instant>,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            active: std::sync::atomic::AtomicUsize::new(0),
            last: std::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }
}

/// A request in progress; its end (answered or abandoned) is recorded on drop.
struct Busy<'a>(&'a Activity);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        *self.0.last.lock().unwrap_or_else(|e| e.into_inner()) = tokio::time::Instant::now();
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Activity {
    fn begin(&self) -> Busy<'_> {
        self.active.fetch_add(1, Ordering::SeqCst);
        Busy(self)
    }

    fn last(&self) -> tokio::time::Instant {
        *self.last.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn idle_deadline(&self, idle: Duration) -> tokio::time::Instant {
        if self.active.load(Ordering::SeqCst) > 0 {
            tokio::time::Instant::now() + idle
        } else {
            self.last() + idle
        }
    }

    fn idle_for(&self, idle: Duration) -> bool {
        self.active.load(Ordering::SeqCst) == 0 && self.last() + idle <= tokio::time::Instant::now()
    }
}

impl Shared {
    /// An operational note on stderr (not a request line).
    fn note(&self, message: &str) {
        io::stderr_line(format_args!("serve: {}", escape(message)));
    }
}
