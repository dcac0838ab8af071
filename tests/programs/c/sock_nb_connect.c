/* What mio/tokio do for an outgoing connection, step by step:
   sock_open, fd_fdstat_set_flags(NONBLOCK), sock_connect (EINPROGRESS or
   at once), poll_oneoff fd_write until connected, sock_getsockopt SO_ERROR,
   then reads until EOF with poll_oneoff fd_read, and one more poll after
   EOF, which must flag the peer's hang-up.
     sock_nb_connect PORT  connects to 127.0.0.1:PORT, sends "hi", prints
                           "connected", "read N bytes: DATA" for the reply,
                           then "hangup F nbytes N" from the last event
     sock_nb_connect PORT refused  expects the connection to be refused:
                           prints "refused E" with SO_ERROR's errno (or the
                           connect's, if it fails at once)
   Exit codes above 9 name the step that failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmedge_sock.h"

enum { SO_ERROR_NAME = 2 }; /* WasmEdge's socket option numbering */

static int poll_one(uint32_t fd, uint8_t type, __wasi_event_t* ev) {
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 7;
  subs[0].u.tag = type;
  subs[0].u.u.fd_read.file_descriptor = fd;
  subs[1].userdata = 99;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 5ull * 1000000000ull;
  __wasi_event_t events[2];
  __wasi_size_t n = 0;
  if (__wasi_poll_oneoff(subs, events, 2, &n) || n < 1) return -1;
  for (__wasi_size_t i = 0; i < n; ++i)
    if (events[i].userdata == 7) {
      *ev = events[i];
      return 0;
    }
  return -1; /* timed out */
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int expect_refused = argc > 2 && strcmp(argv[2], "refused") == 0;
  uint32_t fd;
  if (we_sock_open(WE_INET4, WE_STREAM, &fd)) return 10;
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st) ||
      __wasi_fd_fdstat_set_flags(fd, st.fs_flags | __WASI_FDFLAGS_NONBLOCK))
    return 11;
  if (__wasi_fd_fdstat_get(fd, &st) || !(st.fs_flags & __WASI_FDFLAGS_NONBLOCK)) return 12;

  uint8_t ip[4] = {127, 0, 0, 1};
  we_address addr = {ip, 4};
  int32_t err = we_sock_connect(fd, &addr, atoi(argv[1]));
  if (err && err != __WASI_ERRNO_INPROGRESS) {
    if (!expect_refused) return 13;
    printf("refused %d\n", err);
    return 0;
  }
  __wasi_event_t ev;
  if (poll_one(fd, __WASI_EVENTTYPE_FD_WRITE, &ev)) return 14;
  if (ev.error || ev.type != __WASI_EVENTTYPE_FD_WRITE) return 15;
  int32_t so_error = -1;
  uint32_t len = sizeof so_error;
  if (we_sock_getsockopt(fd, 0, SO_ERROR_NAME, &so_error, &len) || len != 4) return 16;
  if (expect_refused) {
    printf("refused %d\n", so_error);
    return 0;
  }
  if (so_error) return 17;
  printf("connected\n");
  if (we_send_all(fd, "hi", 2)) return 18;

  char buf[256];
  uint32_t total = 0;
  for (;;) {
    uint32_t n = 0;
    err = we_recv(fd, buf + total, sizeof buf - 1 - total, &n);
    if (err == __WASI_ERRNO_AGAIN) {
      if (poll_one(fd, __WASI_EVENTTYPE_FD_READ, &ev) || ev.error) return 19;
      continue;
    }
    if (err) return 20;
    if (n == 0) break;
    total += n;
  }
  buf[total] = 0;
  printf("read %u bytes: %s\n", total, buf);
  /* At EOF the socket stays readable, and the event says the peer hung up. */
  if (poll_one(fd, __WASI_EVENTTYPE_FD_READ, &ev) || ev.error) return 21;
  printf("hangup %d nbytes %llu\n", (ev.fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) ? 1 : 0,
         (unsigned long long)ev.fd_readwrite.nbytes);
  if (__wasi_fd_close(fd)) return 22;
  return 0;
}
