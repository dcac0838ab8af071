// WasmEdge's socket extension used from Rust without any crate: the imports
// are declared here by hand, as wasmedge_wasi_socket declares them.
//   rs_wasmedge_sock echo N          listens on 127.0.0.1 (ephemeral port),
//                                    prints "port P", echoes N connections
//                                    one after another until each peer shuts
//                                    down its side, then prints "done"
//   rs_wasmedge_sock client PORT MSG connects to 127.0.0.1:PORT, sends MSG,
//                                    shuts down writing, prints "reply R"
// Exit codes above 9 name the call that failed.
use std::io::Write;
use std::process::exit;

#[path = "shared/wasmedge_sock_abi.rs"]
mod wasmedge_sock_abi;
use wasmedge_sock_abi::*;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn sock_connect(fd: u32, addr: *const Address, port: u32) -> i32;
    fn sock_getlocaladdr(fd: u32, addr: *mut Address, port: *mut u32) -> i32;
    fn sock_getpeeraddr(fd: u32, addr: *mut Address, port: *mut u32) -> i32;
}

fn check(err: i32, code: i32, what: &str) {
    if err != 0 {
        eprintln!("{what} failed: errno {err}");
        exit(code);
    }
}

fn recv(fd: u32, buf: &mut [u8]) -> Result<usize, i32> {
    let iov = IoVec { buf: buf.as_mut_ptr(), len: buf.len() };
    let (mut n, mut roflags) = (0u32, 0u16);
    match unsafe { sock_recv(fd, &iov, 1, 0, &mut n, &mut roflags) } {
        0 => Ok(n as usize),
        e => Err(e),
    }
}

fn send_all(fd: u32, mut data: &[u8]) -> Result<(), i32> {
    while !data.is_empty() {
        let iov = CIoVec { buf: data.as_ptr(), len: data.len() };
        let mut n = 0u32;
        let err = unsafe { sock_send(fd, &iov, 1, 0, &mut n) };
        if err != 0 {
            return Err(err);
        }
        data = &data[n as usize..];
    }
    Ok(())
}

// The port of `fd`'s local or peer address, read through the tagged form.
fn address_port(fd: u32, peer: bool) -> (u16, [u8; 4], u32) {
    let mut raw = [0u8; 128];
    let mut addr = Address { buf: raw.as_mut_ptr(), len: raw.len() as u32 };
    let mut port = 0u32;
    let err = unsafe {
        if peer {
            sock_getpeeraddr(fd, &mut addr, &mut port)
        } else {
            sock_getlocaladdr(fd, &mut addr, &mut port)
        }
    };
    check(err, 12, "sock_get*addr");
    let family = u16::from_le_bytes([raw[0], raw[1]]);
    (family, [raw[2], raw[3], raw[4], raw[5]], port)
}

fn echo(connections: u32) {
    let mut fd = 0u32;
    check(unsafe { sock_open(INET4, STREAM, &mut fd) }, 10, "sock_open");
    let one: i32 = 1;
    check(unsafe { sock_setsockopt(fd, 0, 0, &one, 4) }, 10, "sock_setsockopt");
    let mut ip = [127u8, 0, 0, 1];
    let addr = Address { buf: ip.as_mut_ptr(), len: 4 };
    check(unsafe { sock_bind(fd, &addr, 0) }, 11, "sock_bind");
    check(unsafe { sock_listen(fd, 16) }, 11, "sock_listen");
    let (family, local, port) = address_port(fd, false);
    if family != INET4 as u16 || local != [127, 0, 0, 1] {
        exit(12);
    }
    println!("port {port}");
    std::io::stdout().flush().unwrap();
    for _ in 0..connections {
        let mut conn = 0u32;
        check(unsafe { sock_accept_wasmedge(fd, &mut conn) }, 13, "sock_accept");
        let (peer_family, peer, _) = address_port(conn, true);
        if peer_family != INET4 as u16 || peer != [127, 0, 0, 1] {
            exit(14);
        }
        let mut buf = vec![0u8; 4096];
        loop {
            match recv(conn, &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if let Err(e) = send_all(conn, &buf[..n]) {
                        check(e, 15, "sock_send");
                    }
                }
                Err(EAGAIN) => exit(16), // a blocking socket never says EAGAIN
                Err(e) => check(e, 17, "sock_recv"),
            }
        }
        check(unsafe { sock_shutdown(conn, 3) }, 18, "sock_shutdown");
        check(unsafe { fd_close(conn) }, 18, "fd_close");
    }
    check(unsafe { fd_close(fd) }, 18, "fd_close");
    println!("done");
}

fn client(port: u32, message: &str) {
    let mut fd = 0u32;
    check(unsafe { sock_open(INET4, STREAM, &mut fd) }, 10, "sock_open");
    let mut ip = [127u8, 0, 0, 1];
    let addr = Address { buf: ip.as_mut_ptr(), len: 4 };
    check(unsafe { sock_connect(fd, &addr, port) }, 11, "sock_connect");
    let (_, _, peer_port) = address_port(fd, true);
    if peer_port != port {
        exit(12);
    }
    if let Err(e) = send_all(fd, message.as_bytes()) {
        check(e, 15, "sock_send");
    }
    check(unsafe { sock_shutdown(fd, 2) }, 18, "sock_shutdown");
    let mut reply = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match recv(fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => reply.extend_from_slice(&buf[..n]),
            Err(e) => check(e, 17, "sock_recv"),
        }
    }
    check(unsafe { fd_close(fd) }, 18, "fd_close");
    println!("reply {}", String::from_utf8_lossy(&reply));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("echo") => echo(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1)),
        Some("client") if args.len() == 4 => client(args[2].parse().unwrap_or(0), &args[3]),
        _ => {
            eprintln!("usage: rs_wasmedge_sock echo N | client PORT MESSAGE");
            exit(2);
        }
    }
}
