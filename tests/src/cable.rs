//! A network cable between the apps and the server that a test can pull out: a TCP
//! relay on its own loopback port (the server's issuer names it, so every client goes
//! through it) to the server's real address. [`Cable::unplug`] cuts every open
//! connection and refuses new ones until [`Cable::plug`]; [`Cable::stall`] holds new
//! connections without a byte either way (a request that hangs); [`Cable::refuse`]
//! answers every request `403 forbidden` (a server, or a proxy before it, that refuses).
//! Each change of state cuts the connections made before it. The server itself stays
//! up, so a test can still reach it at [`Cable::server`] as "another device" would. A
//! server restarted on a new port is reached again once the cable is
//! [`Cable::reroute`]d.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the cable does with a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Plugged,
    Unplugged,
    Stalled,
    Refusing,
}

/// The body of every answer while the cable refuses (the API's error shape).
const REFUSAL: &str =
    r#"{"kind":"forbidden","message":"This network refuses Courier's requests."}"#;

pub struct Cable {
    origin: String,
    server: Arc<Mutex<SocketAddr>>,
    line: watch::Sender<Line>,
    relay: JoinHandle<()>,
}

impl Cable {
    /// A loopback port for the cable's end; pass [`Cable::origin_of`] to the server as
    /// its issuer, then [`Cable::lay`] the cable to the server's address.
    pub async fn end() -> TcpListener {
        TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding 127.0.0.1:0")
    }

    /// `http://127.0.0.1:{port}` of a cable's end.
    pub fn origin_of(end: &TcpListener) -> String {
        format!("http://{}", end.local_addr().expect("the cable's address"))
    }

    /// Relays `end` to `server`, plugged in.
    pub fn lay(end: TcpListener, server: SocketAddr) -> Self {
        let origin = Self::origin_of(&end);
        let (line, _) = watch::channel(Line::Plugged);
        let watch = line.clone();
        let server = Arc::new(Mutex::new(server));
        let upstream = Arc::clone(&server);
        let relay = tokio::spawn(async move {
            while let Ok((client, _)) = end.accept().await {
                let now = *watch.borrow();
                let to = *upstream.lock().unwrap_or_else(PoisonError::into_inner);
                let changed = watch.subscribe();
                match now {
                    Line::Unplugged => drop(client),
                    Line::Plugged => drop(tokio::spawn(carry(client, to, changed))),
                    Line::Stalled => drop(tokio::spawn(hold(client, changed))),
                    Line::Refusing => drop(tokio::spawn(refuse(client))),
                }
            }
        });
        Self {
            origin,
            server,
            line,
            relay,
        }
    }

    /// The origin clients use (the server's issuer).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The server's own address, past the cable.
    pub fn server(&self) -> SocketAddr {
        *self.server.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// New connections go to `server` (restarted on a new port) from now on.
    pub fn reroute(&self, server: SocketAddr) {
        *self.server.lock().unwrap_or_else(PoisonError::into_inner) = server;
    }

    /// Cuts every connection and refuses new ones.
    pub fn unplug(&self) {
        self.line.send_replace(Line::Unplugged);
    }

    pub fn plug(&self) {
        self.line.send_replace(Line::Plugged);
    }

    /// Holds new connections open without a byte either way.
    pub fn stall(&self) {
        self.line.send_replace(Line::Stalled);
    }

    /// Answers every request `403` with the API's `{kind, message}` body.
    pub fn refuse(&self) {
        self.line.send_replace(Line::Refusing);
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        self.relay.abort();
    }
}

/// One connection, both ways, until either side closes or the cable changes.
async fn carry(mut client: TcpStream, server: SocketAddr, mut line: watch::Receiver<Line>) {
    let Ok(mut upstream) = TcpStream::connect(server).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
        _ = line.changed() => {}
    }
}

/// Keeps the connection open and silent until the cable changes.
async fn hold(client: TcpStream, mut line: watch::Receiver<Line>) {
    let _ = line.changed().await;
    drop(client);
}

/// Reads the request's head and answers it 403, closing the connection.
async fn refuse(mut client: TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match client.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
    let answer = format!(
        "HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{REFUSAL}",
        REFUSAL.len()
    );
    let _ = client.write_all(answer.as_bytes()).await;
    let _ = client.shutdown().await;
}
