/* Non-blocking HTTP/1.1 server driven by poll_oneoff, shaped like a
   tokio/mio event loop: the listener is subscribed for read and write, every
   socket is non-blocking, accept and recv are drained until EAGAIN. Answers
   every request with "Hello, World!" and keeps connections alive. Prints
   "port N" once listening; exits after argv[1] connections have closed, or
   with argv[1] = 0 serves until killed. With argv[2] = "split" it writes
   each response as hyper does, in two sends (head, then body), which stalls
   on Nagle's algorithm unless the socket has TCP_NODELAY. Builds natively
   too (see wasmedge_sock_posix.h), for bench/http_rps.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmedge_sock.h"

#define MAX_CONNS 4096
#define BUF_SIZE 8192

typedef struct {
  uint32_t fd;
  int open;
  char* buf; /* BUF_SIZE bytes while open */
  uint32_t len;
} Conn;

static const char kHead[] = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\n";
static const char kBody[] = "Hello, World!";
static Conn conns[MAX_CONNS];
static __wasi_subscription_t subs[MAX_CONNS + 3];
static __wasi_event_t ev[MAX_CONNS + 3];
static int split_sends;
static int conn_end; /* slots at and above it are closed */
/* userdata: a connection's slot, or one of these */
#define LISTENER_READ 1000000u
#define TIMEOUT 2000000u
#define RESPONSE_LEN (sizeof kHead - 1 + sizeof kBody - 1)
/* Responses to one read's requests (each request is at least 4 bytes). */
static char out[(BUF_SIZE / 4 + 1) * RESPONSE_LEN];

static int set_nonblock(uint32_t fd) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(fd, &st)) return -1;
  return __wasi_fd_fdstat_set_flags(fd, st.fs_flags | __WASI_FDFLAGS_NONBLOCK) ? -1 : 0;
}

/* Reads what is available; answers each complete request. 1 = peer closed. */
static int serve(Conn* c) {
  for (;;) {
    uint32_t n = 0;
    int32_t err = we_recv(c->fd, c->buf + c->len, BUF_SIZE - 1 - c->len, &n);
    if (err == __WASI_ERRNO_AGAIN) return 0;
    if (err || n == 0) return 1;
    c->len += n;
    c->buf[c->len] = 0;
    /* Answer every complete request read so far with one send: separate
       small sends for pipelined requests would wait on Nagle's algorithm. */
    char* end;
    uint32_t out_len = 0;
    while ((end = strstr(c->buf, "\r\n\r\n")) != NULL) {
      uint32_t used = (uint32_t)(end + 4 - c->buf);
      if (split_sends && (we_send_all(c->fd, kHead, sizeof kHead - 1) || we_send_all(c->fd, kBody, sizeof kBody - 1)))
        return 1;
      if (!split_sends) {
        memcpy(out + out_len, kHead, sizeof kHead - 1);
        memcpy(out + out_len + sizeof kHead - 1, kBody, sizeof kBody - 1);
        out_len += RESPONSE_LEN;
      }
      memmove(c->buf, c->buf + used, c->len - used);
      c->len -= used;
      c->buf[c->len] = 0;
    }
    if (out_len && we_send_all(c->fd, out, out_len)) return 1;
  }
}

int main(int argc, char** argv) {
  int to_serve = argc > 1 ? atoi(argv[1]) : 1;
  int forever = to_serve == 0;
  split_sends = argc > 2 && strcmp(argv[2], "split") == 0;
  __wasi_size_t nev = 0;
  if (__wasi_poll_oneoff(NULL, ev, 0, &nev) != __WASI_ERRNO_INVAL) return 9;

  uint32_t lfd;
  if (we_sock_open(WE_INET4, WE_STREAM, &lfd)) return 10;
  int one = 1;
  we_sock_setsockopt(lfd, 0, 0, &one, 4);
  uint8_t ip[4] = {127, 0, 0, 1};
  we_address addr = {ip, 4};
  if (we_sock_bind(lfd, &addr, 0) || we_sock_listen(lfd, 1024) || set_nonblock(lfd)) return 11;
  uint8_t local[128];
  we_address local_addr = {local, sizeof local};
  uint32_t port = 0;
  if (we_sock_getlocaladdr(lfd, &local_addr, &port)) return 12;
  uint32_t dummy;
  if (we_sock_accept(lfd, &dummy) != __WASI_ERRNO_AGAIN) return 13;
  printf("port %u\n", port);
  fflush(stdout);

  int closed = 0;
  while (forever || closed < to_serve) {
    memset(subs, 0, (size_t)(conn_end + 3) * sizeof subs[0]);
    uint32_t count = 0;
    for (int write = 0; write < 2; ++write) {  /* listener: read and write, as mio asks */
      subs[count].userdata = LISTENER_READ + write;
      subs[count].u.tag = write ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
      subs[count].u.u.fd_read.file_descriptor = lfd;
      ++count;
    }
    for (int i = 0; i < conn_end; ++i) {
      if (!conns[i].open) continue;
      subs[count].userdata = (uint64_t)i;
      subs[count].u.tag = __WASI_EVENTTYPE_FD_READ;
      subs[count].u.u.fd_read.file_descriptor = conns[i].fd;
      ++count;
    }
    /* A timeout so a lost wake-up cannot hang the test forever. */
    subs[count].userdata = TIMEOUT;
    subs[count].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[count].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[count].u.u.clock.timeout = 10ull * 1000000000ull;
    ++count;
    if (__wasi_poll_oneoff(subs, ev, count, &nev)) return 14;
    for (uint32_t e = 0; e < nev; ++e) {
      if (ev[e].error) return 15; /* tokio treats any event error as fatal */
      if (ev[e].userdata == TIMEOUT) {
        if (forever) continue;
        return 16;
      }
      if (ev[e].userdata == LISTENER_READ + 1) return 17; /* a listener is never writable */
      if (ev[e].userdata == LISTENER_READ) {
        for (;;) {
          uint32_t cfd;
          int32_t err = we_sock_accept(lfd, &cfd);
          if (err == __WASI_ERRNO_AGAIN) break;
          if (err) return 18;
          int slot = 0;
          while (slot < MAX_CONNS && conns[slot].open) ++slot;
          if (slot == MAX_CONNS || set_nonblock(cfd)) return 19;
          conns[slot].buf = malloc(BUF_SIZE);
          if (!conns[slot].buf) return 20;
          conns[slot].fd = cfd;
          if (slot >= conn_end) conn_end = slot + 1;
          conns[slot].open = 1;
          conns[slot].len = 0;
          conns[slot].buf[0] = 0;
        }
      } else {
        Conn* c = &conns[ev[e].userdata];
        if (c->open && serve(c)) {
          we_sock_shutdown(c->fd, 3);
          (void)__wasi_fd_close(c->fd);
          free(c->buf);
          c->buf = NULL;
          c->open = 0;
          ++closed;
        }
      }
    }
  }
  printf("served %d\n", closed);
  return 0;
}
