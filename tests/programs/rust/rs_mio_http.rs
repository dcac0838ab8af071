// A non-blocking HTTP/1.1 keep-alive "Hello, World!" server in Rust that
// talks to the host the way tokio_wasi/mio_wasi over wasmedge_wasi_socket
// 0.5 do (see SOCKETS.md), with the imports declared by hand (no crates):
// listener and connections non-blocking through fd_fdstat_set_flags, the
// 4-argument sock_getlocaladdr/sock_getpeeraddr, poll_oneoff with the
// listener subscribed for read and write, accept and recv drained until
// EAGAIN, and sock_shutdown(WR), sock_shutdown(BOTH), fd_close at the end.
//   rs_mio_http N   prints "port P", serves until N connections have closed
//                   (N = 0: until killed), prints "served N"
// Exit codes above 9 name what failed.
use std::io::Write;
use std::process::exit;

#[path = "shared/wasmedge_sock_abi.rs"]
mod wasmedge_sock_abi;
use wasmedge_sock_abi::*;

// wasi_snapshot_preview1 subscription (48 bytes) and event (32 bytes).
#[repr(C)]
#[derive(Clone, Copy)]
struct Subscription {
    userdata: u64,
    tag: u8,
    _pad: [u8; 7],
    u: [u64; 4], // fd in the low half of u[0]; clock: id, timeout, precision, flags
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Event {
    userdata: u64,
    error: u16,
    ty: u8,
    _pad: [u8; 5],
    nbytes: u64,
    flags: u16,
    _pad2: [u8; 6],
}

#[repr(C)]
struct FdStat {
    filetype: u8,
    flags: u16,
    rights_base: u64,
    rights_inheriting: u64,
}

const NONBLOCK: u16 = 4;
const FD_READ: u8 = 1;
const FD_WRITE: u8 = 2;
const CLOCK: u8 = 0;
const LISTENER_READ: u64 = 1 << 40;
const LISTENER_WRITE: u64 = LISTENER_READ + 1;
const TIMEOUT: u64 = LISTENER_READ + 2;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    #[link_name = "sock_getlocaladdr"]
    fn sock_getlocaladdr_legacy(fd: u32, addr: *mut Address, addr_type: *mut u32, port: *mut u32) -> i32;
    #[link_name = "sock_getpeeraddr"]
    fn sock_getpeeraddr_legacy(fd: u32, addr: *mut Address, addr_type: *mut u32, port: *mut u32) -> i32;
    fn poll_oneoff(subs: *const Subscription, events: *mut Event, n: u32, nevents: *mut u32) -> i32;
    fn fd_fdstat_get(fd: u32, stat: *mut FdStat) -> i32;
    fn fd_fdstat_set_flags(fd: u32, flags: u32) -> i32;
}

const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!";

fn fail(code: i32, what: &str, err: i32) -> ! {
    eprintln!("{what} failed: errno {err}");
    exit(code)
}

fn set_nonblocking(fd: u32) {
    let mut st = FdStat { filetype: 0, flags: 0, rights_base: 0, rights_inheriting: 0 };
    let err = unsafe { fd_fdstat_get(fd, &mut st) };
    if err != 0 {
        fail(11, "fd_fdstat_get", err);
    }
    let err = unsafe { fd_fdstat_set_flags(fd, (st.flags | NONBLOCK) as u32) };
    if err != 0 {
        fail(11, "fd_fdstat_set_flags", err);
    }
}

// (addr_type, first four address bytes, port) in the 4-argument form.
fn address(fd: u32, peer: bool) -> (u32, [u8; 4], u32) {
    let mut raw = [0u8; 16];
    let mut addr = Address { buf: raw.as_mut_ptr(), len: 16 };
    let (mut ty, mut port) = (0u32, 0u32);
    let err = unsafe {
        if peer {
            sock_getpeeraddr_legacy(fd, &mut addr, &mut ty, &mut port)
        } else {
            sock_getlocaladdr_legacy(fd, &mut addr, &mut ty, &mut port)
        }
    };
    if err != 0 {
        fail(12, "sock_get*addr", err);
    }
    (ty, [raw[0], raw[1], raw[2], raw[3]], port)
}

struct Conn {
    fd: u32,
    buf: Vec<u8>,
}

// Reads what is there and answers each complete request (all answers to one
// read in one send). Returns false once the peer has closed or failed.
fn serve(c: &mut Conn) -> bool {
    let mut chunk = [0u8; 8192];
    loop {
        let iov = IoVec { buf: chunk.as_mut_ptr(), len: chunk.len() };
        let (mut n, mut roflags) = (0u32, 0u16);
        match unsafe { sock_recv(c.fd, &iov, 1, 0, &mut n, &mut roflags) } {
            0 if n == 0 => return false,
            0 => c.buf.extend_from_slice(&chunk[..n as usize]),
            EAGAIN => return true,
            _ => return false,
        }
        let mut out = Vec::new();
        while let Some(end) = c.buf.windows(4).position(|w| w == b"\r\n\r\n") {
            c.buf.drain(..end + 4);
            out.extend_from_slice(RESPONSE);
        }
        let mut data = &out[..];
        while !data.is_empty() {
            let iov = CIoVec { buf: data.as_ptr(), len: data.len() };
            let mut n = 0u32;
            // Answers are small; a full send buffer (EAGAIN) ends the connection.
            if unsafe { sock_send(c.fd, &iov, 1, 0, &mut n) } != 0 {
                return false;
            }
            data = &data[n as usize..];
        }
    }
}

fn fd_sub(userdata: u64, tag: u8, fd: u32) -> Subscription {
    Subscription { userdata, tag, _pad: [0; 7], u: [fd as u64, 0, 0, 0] }
}

fn main() {
    let to_serve: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(1);
    let forever = to_serve == 0;
    let mut lfd = 0u32;
    let err = unsafe { sock_open(INET4, STREAM, &mut lfd) };
    if err != 0 {
        fail(10, "sock_open", err);
    }
    let one: i32 = 1;
    unsafe { sock_setsockopt(lfd, 0, 0, &one, 4) };
    let mut ip = [127u8, 0, 0, 1];
    let addr = Address { buf: ip.as_mut_ptr(), len: 4 };
    let err = unsafe { sock_bind(lfd, &addr, 0) };
    if err != 0 {
        fail(10, "sock_bind", err);
    }
    let err = unsafe { sock_listen(lfd, 1024) };
    if err != 0 {
        fail(10, "sock_listen", err);
    }
    set_nonblocking(lfd);
    let (ty, local, port) = address(lfd, false);
    if ty != 4 || local != [127, 0, 0, 1] {
        exit(12);
    }
    println!("port {port}");
    std::io::stdout().flush().unwrap();

    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut closed = 0usize;
    let mut subs = Vec::new();
    let mut events = Vec::new();
    while forever || closed < to_serve {
        subs.clear();
        subs.push(fd_sub(LISTENER_READ, FD_READ, lfd));
        subs.push(fd_sub(LISTENER_WRITE, FD_WRITE, lfd));
        for (i, c) in conns.iter().enumerate() {
            if let Some(c) = c {
                subs.push(fd_sub(i as u64, FD_READ, c.fd));
            }
        }
        // A timeout so a lost wake-up cannot hang a test forever.
        subs.push(Subscription { userdata: TIMEOUT, tag: CLOCK, _pad: [0; 7], u: [1, 10_000_000_000, 0, 0] });
        events.resize(subs.len(), Event { userdata: 0, error: 0, ty: 0, _pad: [0; 5], nbytes: 0, flags: 0, _pad2: [0; 6] });
        let mut n = 0u32;
        let err = unsafe { poll_oneoff(subs.as_ptr(), events.as_mut_ptr(), subs.len() as u32, &mut n) };
        if err != 0 {
            fail(14, "poll_oneoff", err);
        }
        for ev in &events[..n as usize] {
            if ev.error != 0 {
                fail(15, "an event", ev.error as i32); // fatal to tokio's driver
            }
            match ev.userdata {
                TIMEOUT if forever => {}
                TIMEOUT => exit(16),
                LISTENER_WRITE => exit(17), // a listener is never writable
                LISTENER_READ => loop {
                    let mut cfd = 0u32;
                    match unsafe { sock_accept_wasmedge(lfd, &mut cfd) } {
                        0 => {}
                        EAGAIN => break,
                        e => fail(18, "sock_accept", e),
                    }
                    set_nonblocking(cfd);
                    let (ty, peer, _) = address(cfd, true);
                    if ty != 4 || peer != [127, 0, 0, 1] {
                        exit(19);
                    }
                    let conn = Some(Conn { fd: cfd, buf: Vec::new() });
                    match conns.iter().position(Option::is_none) {
                        Some(slot) => conns[slot] = conn,
                        None => conns.push(conn),
                    }
                },
                i => {
                    let slot = &mut conns[i as usize];
                    let open = match slot {
                        Some(c) => serve(c),
                        None => continue,
                    };
                    if !open {
                        let c = slot.take().unwrap();
                        unsafe {
                            sock_shutdown(c.fd, 2);
                            sock_shutdown(c.fd, 3);
                        }
                        let err = unsafe { fd_close(c.fd) };
                        if err != 0 {
                            fail(20, "fd_close", err);
                        }
                        closed += 1;
                    }
                }
            }
        }
    }
    println!("served {closed}");
}
