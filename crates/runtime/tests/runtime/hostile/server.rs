//! A misbehaving HTTP server on 127.0.0.1:0, written on raw TCP so that it can break HTTP in
//! ways no framework allows: each instance misbehaves in one way on the API's paths, and
//! answers the readiness probe (a GET of the base URL) properly unless told not to.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// One way of misbehaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// A correct answer: the control that shows the harness is not red by itself.
    Healthy,
    /// Accepts the request, never sends a byte.
    HangBeforeHeaders,
    /// Sends the head and part of the body, then nothing (the connection stays open).
    StallMidBody,
    /// Sends a 1000-byte body one byte a second.
    Trickle,
    /// Sends a 200 MB JSON body, generated as it goes (never held in memory).
    Huge,
    /// Sends bytes that are not HTTP, then closes.
    Garbage,
    /// Resets the connection (RST) after reading the request.
    Reset,
    /// Sends 10,000 response headers.
    ManyHeaders,
    /// Announces 1000 bytes, sends 10, closes.
    ShortBody,
    /// Sends a JSON body holding bytes that are not UTF-8.
    InvalidUtf8,
    /// A stream that sends two events and then nothing, connection open.
    SseStall,
    /// A stream that sends progress events forever.
    SseEndless,
    /// A correct stream, sent one byte every 50 ms.
    SseTrickle,
    /// Answers the readiness probe, then stops listening (connections are refused).
    DieAfterProbe,
    /// Answers the readiness probe, then accepts connections and answers nothing, the
    /// probe's path included: a frozen process (SIGSTOP), whose kernel still accepts.
    FreezeAfterProbe,
}

/// A running hostile server; stops when dropped.
pub struct Hostile {
    pub addr: SocketAddr,
    stop: Arc<Notify>,
    accepting: Option<tokio::task::JoinHandle<()>>,
}

impl Hostile {
    /// The base URL to point the target at.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Stops listening and returns once the port refuses connections.
    pub async fn stop(mut self) {
        self.stop.notify_one();
        if let Some(accepting) = self.accepting.take() {
            let _ = accepting.await;
        }
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

/// Starts a server misbehaving as `how`; with `probe_ok`, the readiness probe gets a proper
/// answer. Bound before returning, so it is ready when this returns.
pub async fn start(how: Misbehaviour, probe_ok: bool) -> Hostile {
    start_at("127.0.0.1:0".parse().expect("an address"), how, probe_ok).await
}

/// [`start`] on a given address (a server that comes back on the port it had).
pub async fn start_at(addr: SocketAddr, how: Misbehaviour, probe_ok: bool) -> Hostile {
    let listener = TcpListener::bind(addr).await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let stop = Arc::new(Notify::new());
    let stopped = stop.clone();
    let accepting = tokio::spawn(async move {
        let mut probe_ok = probe_ok;
        loop {
            let (stream, _) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(_) => return,
                },
                () = stopped.notified() => return,
            };
            let (probed_tx, probed_rx) = tokio::sync::oneshot::channel();
            tokio::spawn(serve(stream, how, probe_ok, probed_tx));
            let once = matches!(
                how,
                Misbehaviour::DieAfterProbe | Misbehaviour::FreezeAfterProbe
            );
            if once && probe_ok && probed_rx.await == Ok(true) {
                if how == Misbehaviour::DieAfterProbe {
                    // Dropping the listener: every later connection is refused.
                    return;
                }
                // From now on the probe's path hangs too.
                probe_ok = false;
            }
        }
    });
    Hostile {
        addr,
        stop,
        accepting: Some(accepting),
    }
}

/// Reads one request (head and Content-Length body); returns its path.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut have = buffer.len() - head_end;
    while have < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        have += n;
    }
    head.split_whitespace().nth(1).map(str::to_string)
}

const ITEM: &str = r#"{"id":"item-1","name":"Item one"}"#;

const EVENTS: &str = concat!(
    "data: {\"type\":\"progress\",\"progress\":0}\n\n",
    "data: {\"type\":\"chunk\",\"content\":\"<p>hi</p>\"}\n\n",
    "data: {\"type\":\"progress\",\"progress\":100}\n\n",
    "data: {\"type\":\"complete\",\"id\":\"item-1\"}\n\n",
);

fn json_head(length: usize) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
    )
}

const SSE_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";

/// Holds the connection open without sending (until the client gives up).
async fn hold(stream: &mut TcpStream) {
    let mut sink = [0u8; 64];
    while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
}

async fn serve(
    mut stream: TcpStream,
    how: Misbehaviour,
    probe_ok: bool,
    probed: tokio::sync::oneshot::Sender<bool>,
) {
    let Some(path) = read_request(&mut stream).await else {
        let _ = probed.send(false);
        return;
    };
    let is_probe = path.trim_end_matches('/') == "/v1";
    if is_probe && probe_ok {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        let _ = stream.shutdown().await;
        let _ = probed.send(true);
        return;
    }
    let _ = probed.send(false);
    let stream_op = path.ends_with("/events");
    let _ = misbehave(&mut stream, how, stream_op).await;
}

async fn misbehave(
    stream: &mut TcpStream,
    how: Misbehaviour,
    stream_op: bool,
) -> std::io::Result<()> {
    use Misbehaviour::*;
    match how {
        Healthy | DieAfterProbe if stream_op => {
            stream.write_all(SSE_HEAD.as_bytes()).await?;
            stream.write_all(EVENTS.as_bytes()).await?;
        }
        Healthy | DieAfterProbe => {
            stream.write_all(json_head(ITEM.len()).as_bytes()).await?;
            stream.write_all(ITEM.as_bytes()).await?;
        }
        HangBeforeHeaders | FreezeAfterProbe => hold(stream).await,
        StallMidBody => {
            stream.write_all(json_head(100).as_bytes()).await?;
            stream.write_all(br#"{"id":"it"#).await?;
            hold(stream).await;
        }
        Trickle => {
            stream.write_all(json_head(1000).as_bytes()).await?;
            for _ in 0..1000 {
                stream.write_all(b" ").await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        Huge => {
            // Close-delimited (no Content-Length): the client must read to learn the size.
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{\"id\":\"item-1\",\"name\":\"")
                .await?;
            let block = vec![b'x'; 64 << 10];
            for _ in 0..(200 << 20) / block.len() {
                stream.write_all(&block).await?;
            }
            stream.write_all(b"\"}").await?;
        }
        Garbage => {
            stream
                .write_all(b"\x00\x01\x02 this is not HTTP \xff\xfe\r\n\r\n")
                .await?;
        }
        Reset => {
            // SO_LINGER 0: closing sends RST instead of FIN. No shutdown first: that would
            // send a FIN (a clean close) before the reset.
            stream.set_zero_linger()?;
            return Ok(());
        }
        ManyHeaders => {
            let mut head = String::from("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n");
            for i in 0..10_000 {
                head.push_str(&format!("x-header-{i}: {i}\r\n"));
            }
            head.push_str(&format!("content-length: {}\r\n\r\n{ITEM}", ITEM.len()));
            stream.write_all(head.as_bytes()).await?;
        }
        ShortBody => {
            stream.write_all(json_head(1000).as_bytes()).await?;
            stream.write_all(br#"{"id":"it"#).await?;
        }
        InvalidUtf8 => {
            let body: &[u8] = b"{\"id\":\"item-1\",\"name\":\"\xff\xfe\xfd\"}";
            stream.write_all(json_head(body.len()).as_bytes()).await?;
            stream.write_all(body).await?;
        }
        SseStall => {
            stream.write_all(SSE_HEAD.as_bytes()).await?;
            stream
                .write_all(b"data: {\"type\":\"progress\",\"progress\":0}\n\ndata: {\"type\":\"chunk\",\"content\":\"a\"}\n\n")
                .await?;
            hold(stream).await;
        }
        SseEndless => {
            stream.write_all(SSE_HEAD.as_bytes()).await?;
            stream
                .write_all(b"data: {\"type\":\"progress\",\"progress\":0}\n\n")
                .await?;
            loop {
                stream
                    .write_all(b"data: {\"type\":\"chunk\",\"content\":\"more\"}\n\n")
                    .await?;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        SseTrickle => {
            stream.write_all(SSE_HEAD.as_bytes()).await?;
            for byte in EVENTS.bytes() {
                stream.write_all(&[byte]).await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    stream.shutdown().await
}
