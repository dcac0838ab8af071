// WasmEdge's socket extension to wasi_snapshot_preview1, declared by hand as
// wasmedge_wasi_socket declares it: the types and the imports that every
// socket test program uses. A program includes it with
//   #[path = "shared/wasmedge_sock_abi.rs"] mod wasmedge_sock_abi;
// and declares the calls only it needs (sock_connect, either form of
// sock_getlocaladdr/sock_getpeeraddr, poll_oneoff, ...) in its own extern block.
// Not a program itself: programs.cmake compiles only tests/programs/rust/*.rs.

#[repr(C)]
pub struct IoVec {
    pub buf: *mut u8,
    pub len: usize,
}

#[repr(C)]
pub struct CIoVec {
    pub buf: *const u8,
    pub len: usize,
}

// {buf, buf_len}: 4 raw IPv4 bytes, or the 128-byte tagged form
// (u16 family, then the address bytes).
#[repr(C)]
pub struct Address {
    pub buf: *mut u8,
    pub len: u32,
}

pub const INET4: i32 = 1;
pub const STREAM: i32 = 2;
pub const EAGAIN: i32 = 6;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    pub fn sock_open(family: i32, ty: i32, fd: *mut u32) -> i32;
    pub fn sock_setsockopt(fd: u32, level: i32, name: i32, value: *const i32, len: u32) -> i32;
    pub fn sock_bind(fd: u32, addr: *const Address, port: u32) -> i32;
    pub fn sock_listen(fd: u32, backlog: u32) -> i32;
    #[link_name = "sock_accept"]
    pub fn sock_accept_wasmedge(fd: u32, new_fd: *mut u32) -> i32;
    pub fn sock_recv(fd: u32, iovs: *const IoVec, iovs_len: u32, flags: u32, nread: *mut u32, roflags: *mut u16) -> i32;
    pub fn sock_send(fd: u32, iovs: *const CIoVec, iovs_len: u32, flags: u32, nwritten: *mut u32) -> i32;
    pub fn sock_shutdown(fd: u32, how: u32) -> i32;
    pub fn fd_close(fd: u32) -> i32;
}
