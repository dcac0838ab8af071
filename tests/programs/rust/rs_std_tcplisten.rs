// Rust std's networking over the listening socket that `mywasm run
// --tcplisten IP:PORT` preopens as fd 3: TcpListener::from_raw_fd(3) and
// accept (preview1 sock_accept(fd, flags, *fd)), then on the accepted stream
// set_nonblocking (fd_fdstat_set_flags), a read that must say WouldBlock
// (EAGAIN) before the peer has sent anything, and blocking reads and writes
// (fd_read / fd_write in Debian's Rust 1.63 std). Serves one connection:
//   prints "accepted", then "would block" once the empty read says so, reads
//   until "\n", answers "hello from rust std: " + the line, closes the
//   stream (fd_close: this std's TcpStream::shutdown is "unsupported" on
//   wasi), prints "served".
use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::os::wasi::io::FromRawFd;
use std::process::exit;

fn main() {
    let listener = unsafe { TcpListener::from_raw_fd(3) };
    let (mut stream, _) = match listener.accept() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("accept: {e}");
            exit(10);
        }
    };
    println!("accepted");
    std::io::stdout().flush().unwrap();

    stream.set_nonblocking(true).unwrap_or_else(|e| {
        eprintln!("set_nonblocking: {e}");
        exit(11)
    });
    let mut buf = [0u8; 256];
    match stream.read(&mut buf) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => {
            eprintln!("expected WouldBlock, got {other:?}");
            exit(12);
        }
    }
    println!("would block");
    std::io::stdout().flush().unwrap();
    stream.set_nonblocking(false).unwrap_or_else(|_| exit(13));

    let mut line = Vec::new();
    while !line.ends_with(b"\n") {
        match stream.read(&mut buf) {
            Ok(0) => exit(14),
            Ok(n) => line.extend_from_slice(&buf[..n]),
            Err(e) => {
                eprintln!("read: {e}");
                exit(15);
            }
        }
    }
    line.pop();
    let reply = format!("hello from rust std: {}", String::from_utf8_lossy(&line));
    stream.write_all(reply.as_bytes()).unwrap_or_else(|_| exit(16));
    drop(stream);
    println!("served");
}
