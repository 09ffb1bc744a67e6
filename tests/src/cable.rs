//! A network cable between the apps and the server that a test can pull out: a TCP
//! relay on its own loopback port (the server's issuer names it, so every client goes
//! through it) to the server's real address. [`Cable::unplug`] cuts every open
//! connection and refuses new ones until [`Cable::plug`]; the server itself stays up, so
//! a test can still reach it at [`Cable::server`] as "another device" would. A server
//! restarted on a new port is reached again once the cable is [`Cable::reroute`]d.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Cable {
    origin: String,
    server: Arc<Mutex<SocketAddr>>,
    plugged: watch::Sender<bool>,
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
        let (plugged, _) = watch::channel(true);
        let watch = plugged.clone();
        let server = Arc::new(Mutex::new(server));
        let upstream = Arc::clone(&server);
        let relay = tokio::spawn(async move {
            while let Ok((client, _)) = end.accept().await {
                if !*watch.borrow() {
                    drop(client);
                    continue;
                }
                let to = *upstream.lock().unwrap_or_else(PoisonError::into_inner);
                tokio::spawn(carry(client, to, watch.subscribe()));
            }
        });
        Self {
            origin,
            server,
            plugged,
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
        self.plugged.send_replace(false);
    }

    pub fn plug(&self) {
        self.plugged.send_replace(true);
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        self.relay.abort();
    }
}

/// One connection, both ways, until either side closes or the cable is unplugged.
async fn carry(mut client: TcpStream, server: SocketAddr, mut plugged: watch::Receiver<bool>) {
    let Ok(mut upstream) = TcpStream::connect(server).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
        _ = plugged.wait_for(|plugged| !plugged) => {}
    }
}
