// Rust std writing to a socket whose peer has gone, on the socket that
// `mywasm run --tcplisten IP:PORT` preopens as fd 3: accepts one connection,
// reads until the peer's EOF, then writes (fd_write) until a write fails.
// The failure must reach the program as an error (EPIPE / ECONNRESET),
// not kill the runtime with SIGPIPE. Prints "eof after N bytes", then
// "write error: KIND".
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::wasi::io::FromRawFd;
use std::process::exit;

fn main() {
    let listener = unsafe { TcpListener::from_raw_fd(3) };
    let (mut stream, _) = listener.accept().unwrap_or_else(|_| exit(10));
    let mut got = Vec::new();
    stream.read_to_end(&mut got).unwrap_or_else(|_| exit(11));
    println!("eof after {} bytes", got.len());
    std::io::stdout().flush().unwrap();
    let chunk = [b'x'; 4096];
    for _ in 0..10000 {
        if let Err(e) = stream.write_all(&chunk) {
            println!("write error: {:?}", e.kind());
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    exit(12); // writes to a closed peer kept succeeding
}
