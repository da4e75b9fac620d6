//! rust-reqwest and rust-hyper: N GETs, each on a new client and so a fresh connection, one result
//! line per request, the line protocol of clients/go/main.go:
//!
//!   <local ip:port or -> \t ok <status>
//!   <local ip:port or -> \t error <Display>[ <- <source's Display> ...]
//!
//! --lib reqwest: reqwest over hyper + rustls, as an application would use it (the local address
//! is not exposed, so "-": h2race runs it with one job). --lib hyper: hyper's client connection
//! on tokio-rustls directly, on a TcpStream this program connects (its local address is known).
//! Both on rustls with the ring provider, on a multi-threaded tokio runtime (the default of
//! #[tokio::main]). Nothing is classified: the error text follows Error::source().
//!
//! Usage: h2race-rust --lib reqwest|hyper --url URL --ca FILE [--cert FILE --key FILE] -n N
//!                    --proto h1|h2 --timeout-ms N [--paced]      (bad usage: exit 2)
//! --paced: after each line, wait for a line on stdin before the next request (EOF: stop).
//! --version: the library versions (from Cargo.lock, by build.rs) and rustc's, one line.
use std::error::Error;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Empty;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

type BoxError = Box<dyn Error + Send + Sync>;

#[derive(Clone, Copy, PartialEq)]
enum Lib {
    Reqwest,
    Hyper,
}

struct Args {
    lib: Lib,
    url: String,
    ca: String,
    cert: String,
    key: String,
    n: u64,
    h2: bool,
    timeout: Duration,
    paced: bool,
}

fn usage(why: &str) -> ! {
    eprintln!("h2race-rust: {why}");
    eprintln!(
        "usage: h2race-rust --lib reqwest|hyper --url URL --ca FILE [--cert FILE --key FILE] \
         -n N --proto h1|h2 --timeout-ms N [--paced]"
    );
    std::process::exit(2);
}

fn parse_args() -> Args {
    let mut a = Args {
        lib: Lib::Reqwest,
        url: String::new(),
        ca: String::new(),
        cert: String::new(),
        key: String::new(),
        n: 1,
        h2: true,
        timeout: Duration::from_millis(5000),
        paced: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--version" {
            println!("{}", env!("H2RACE_RUST_VERSIONS"));
            std::process::exit(0);
        }
        let mut value = || it.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--lib" => {
                a.lib = match value().as_str() {
                    "reqwest" => Lib::Reqwest,
                    "hyper" => Lib::Hyper,
                    other => usage(&format!("--lib {other}: reqwest or hyper")),
                }
            }
            "--paced" => a.paced = true,
            "--url" => a.url = value(),
            "--ca" => a.ca = value(),
            "--cert" => a.cert = value(),
            "--key" => a.key = value(),
            "-n" => {
                let v = value();
                a.n = v.parse().ok().filter(|n| *n >= 1).unwrap_or_else(|| usage(&format!("-n {v}")))
            }
            "--proto" => {
                a.h2 = match value().as_str() {
                    "h2" => true,
                    "h1" => false,
                    other => usage(&format!("--proto {other}: h1 or h2")),
                }
            }
            "--timeout-ms" => {
                let v = value();
                let ms: u64 = v.parse().ok().filter(|m| *m >= 1).unwrap_or_else(|| {
                    usage(&format!("--timeout-ms {v}"))
                });
                a.timeout = Duration::from_millis(ms);
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    if a.url.is_empty() || a.ca.is_empty() || a.cert.is_empty() != a.key.is_empty() {
        usage("need --url, --ca, and --cert with --key");
    }
    a
}

// The client's TLS configuration, as an mTLS client would build it: the CA as the only root, the
// client certificate if one was given, ALPN for the protocol.
fn tls_config(a: &Args) -> Result<Arc<rustls::ClientConfig>, BoxError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&a.ca)? {
        roots.add(cert?)?;
    }
    let builder = rustls::ClientConfig::builder().with_root_certificates(roots);
    let mut config = if a.cert.is_empty() {
        builder.with_no_client_auth()
    } else {
        let chain = CertificateDer::pem_file_iter(&a.cert)?.collect::<Result<Vec<_>, _>>()?;
        builder.with_client_auth_cert(chain, PrivateKeyDer::from_pem_file(&a.key)?)?
    };
    config.alpn_protocols = if a.h2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(Arc::new(config))
}

fn error_text(e: &(dyn Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        if parts.len() >= 8 {
            break;
        }
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(" <- ").replace(['\r', '\n', '\t'], " ")
}

async fn reqwest_get(a: &Args, tls: &Arc<rustls::ClientConfig>) -> Result<u16, BoxError> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured((**tls).clone())
        .timeout(a.timeout);
    if !a.h2 {
        builder = builder.http1_only();
    }
    let client = builder.build()?;
    let response = client.get(&a.url).send().await?;
    Ok(response.status().as_u16())
}

async fn hyper_get(
    a: &Args,
    tls: &Arc<rustls::ClientConfig>,
    local: &mut String,
) -> Result<u16, BoxError> {
    let uri: hyper::Uri = a.url.parse()?;
    let host = uri.host().ok_or("--url has no host")?.trim_matches(['[', ']']).to_string();
    let port = uri.port_u16().unwrap_or(443);
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
    *local = tcp.local_addr()?.to_string();
    let tls_stream = tokio_rustls::TlsConnector::from(tls.clone())
        .connect(ServerName::try_from(host)?, tcp)
        .await?;
    let request = hyper::Request::get(uri.clone())
        .header(hyper::header::HOST, uri.authority().map(|x| x.as_str()).unwrap_or(""))
        .body(Empty::<Bytes>::new())?;
    let io = TokioIo::new(tls_stream);
    let response = if a.h2 {
        let (mut sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), io).await?;
        // The connection's own error also reaches send_request: that is the one reported.
        tokio::spawn(conn);
        sender.send_request(request).await?
    } else {
        let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await?;
        tokio::spawn(conn);
        sender.send_request(request).await?
    };
    Ok(response.status().as_u16())
}

#[tokio::main]
async fn main() {
    let a = parse_args();
    // reqwest is built without a provider (rustls-no-provider): ring is the process's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tls = tls_config(&a).unwrap_or_else(|e| usage(&format!("TLS files: {}", error_text(&*e))));
    let mut out = std::io::stdout().lock();
    for _ in 0..a.n {
        let mut local = String::from("-");
        let result = match tokio::time::timeout(a.timeout, async {
            match a.lib {
                Lib::Reqwest => reqwest_get(&a, &tls).await,
                Lib::Hyper => hyper_get(&a, &tls, &mut local).await,
            }
        })
        .await
        {
            Ok(Ok(status)) => format!("ok {status}"),
            Ok(Err(e)) => format!("error {}", error_text(&*e)),
            Err(_) => format!("error timeout after {} ms", a.timeout.as_millis()),
        };
        let _ = writeln!(out, "{local}\t{result}");
        let _ = out.flush();
        // --paced: the next request waits for h2race's newline, sent once it has taken the
        // server's record of this one (the only way to pair answers without a local address).
        if a.paced {
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).map_or(true, |n| n == 0) {
                return;
            }
        }
    }
}
