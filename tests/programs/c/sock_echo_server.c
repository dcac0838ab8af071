/* Blocking TCP echo server over WasmEdge's socket ABI. Binds 127.0.0.1 (or
   ::1 with argument "6") on an ephemeral port, prints "port N", then serves
   one connection: echoes until the peer closes, and exits. */
#include <stdio.h>
#include <string.h>

#include "wasmedge_sock.h"

int main(int argc, char** argv) {
  int v6 = argc > 1 && strcmp(argv[1], "6") == 0;
  uint32_t fd;
  if (we_sock_open(v6 ? WE_INET6 : WE_INET4, WE_STREAM, &fd)) return 10;
  int one = 1;
  if (we_sock_setsockopt(fd, 0, 0, &one, 4)) return 11;
  uint8_t ip4[4] = {127, 0, 0, 1}, ip6[16] = {[15] = 1};
  we_address addr = {v6 ? ip6 : ip4, v6 ? 16 : 4};
  if (we_sock_bind(fd, &addr, 0)) return 12;
  if (we_sock_listen(fd, 16)) return 13;

  uint8_t local[128];
  we_address local_addr = {local, sizeof local};
  uint32_t port = 0;
  if (we_sock_getlocaladdr(fd, &local_addr, &port)) return 14;
  uint16_t family;
  memcpy(&family, local, 2);
  if (family != (v6 ? WE_INET6 : WE_INET4)) return 15;
  int type = 0;
  uint32_t type_len = 4;
  if (we_sock_getsockopt(fd, 0, 1, &type, &type_len) || type != WE_STREAM) return 16;
  printf("port %u\n", port);
  fflush(stdout);

  uint32_t conn;
  if (we_sock_accept(fd, &conn)) return 17;
  uint8_t peer[128];
  we_address peer_addr = {peer, sizeof peer};
  uint32_t peer_port = 0;
  if (we_sock_getpeeraddr(conn, &peer_addr, &peer_port) || peer_port == 0) return 18;

  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(conn, &st) || st.fs_filetype != __WASI_FILETYPE_SOCKET_STREAM) return 21;

  /* Alternate sock_recv/sock_send with plain fd_read/fd_write on the socket. */
  char buf[4096];
  for (int round = 0;; ++round) {
    uint32_t n = 0;
    if (round % 2 == 0) {
      if (we_recv(conn, buf, sizeof buf, &n)) return 19;
      if (n == 0) break;
      if (we_send_all(conn, buf, n)) return 20;
    } else {
      __wasi_iovec_t in = {(uint8_t*)buf, sizeof buf};
      __wasi_size_t got = 0, put = 0;
      if (__wasi_fd_read(conn, &in, 1, &got)) return 22;
      if (got == 0) break;
      for (__wasi_size_t off = 0; off < got; off += put) {
        __wasi_ciovec_t out = {(const uint8_t*)buf + off, got - off};
        if (__wasi_fd_write(conn, &out, 1, &put)) return 23;
      }
    }
  }
  we_sock_shutdown(conn, 3);
  (void)__wasi_fd_close(conn);
  (void)__wasi_fd_close(fd);
  printf("done\n");
  return 0;
}
