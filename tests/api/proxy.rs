//! A TCP proxy on loopback that can cut or stall the connections through it,
//! to put a database behind a bad network: `Cut` closes every connection and
//! refuses new ones (connections reset), `Stall` forwards nothing while
//! keeping every socket open (a silent drop), `Pass` forwards again.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pass,
    Cut,
    Stall,
}

struct Shared {
    mode: Mutex<Mode>,
    changed: Condvar,
    /// Both ends of every connection, to close them on a cut.
    open: Mutex<Vec<TcpStream>>,
}

pub struct FaultProxy {
    pub address: SocketAddr,
    shared: Arc<Shared>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let address = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Pass),
            changed: Condvar::new(),
            open: Mutex::new(Vec::new()),
        });
        let accepting = shared.clone();
        thread::spawn(move || {
            for inbound in listener.incoming() {
                let Ok(inbound) = inbound else { continue };
                if *accepting.mode.lock().unwrap() == Mode::Cut {
                    let _ = inbound.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(outbound) = TcpStream::connect(upstream) else {
                    let _ = inbound.shutdown(Shutdown::Both);
                    continue;
                };
                let _ = inbound.set_nodelay(true);
                let _ = outbound.set_nodelay(true);
                {
                    let mut open = accepting.open.lock().unwrap();
                    open.extend([inbound.try_clone().unwrap(), outbound.try_clone().unwrap()]);
                }
                pump(accepting.clone(), inbound.try_clone().unwrap(), outbound.try_clone().unwrap());
                pump(accepting.clone(), outbound, inbound);
            }
        });
        FaultProxy { address, shared }
    }

    pub fn set(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
        self.shared.changed.notify_all();
        if mode == Mode::Cut {
            for stream in self.shared.open.lock().unwrap().drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.set(Mode::Cut);
    }
}

/// Copies `from` to `to` while the mode lets it: in a stall each chunk read
/// waits until the stall ends; a cut ends the copy.
fn pump(shared: Arc<Shared>, mut from: TcpStream, mut to: TcpStream) {
    thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            let read = match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let mut mode = shared.mode.lock().unwrap();
            while *mode == Mode::Stall {
                mode = shared.changed.wait(mode).unwrap();
            }
            if *mode == Mode::Cut {
                break;
            }
            drop(mode);
            if to.write_all(&buffer[..read]).is_err() {
                break;
            }
        }
        let _ = from.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    });
}
