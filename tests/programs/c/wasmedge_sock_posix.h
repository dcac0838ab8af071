/* The subset of wasi_snapshot_preview1 and WasmEdge's socket extension that
   the socket test programs use, implemented over POSIX sockets and poll(2),
   so the same program source also builds natively (bench/http_rps.py
   compares the two builds). Included by wasmedge_sock.h when not building
   for wasm32-wasi; only what those programs call is here. */
#pragma once
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

typedef uint16_t __wasi_errno_t;
typedef uint32_t __wasi_size_t;
typedef uint32_t __wasi_fd_t;
typedef struct { uint8_t* buf; size_t buf_len; } __wasi_iovec_t;
typedef struct { const uint8_t* buf; size_t buf_len; } __wasi_ciovec_t;
typedef struct {
  uint8_t fs_filetype;
  uint16_t fs_flags;
  uint64_t fs_rights_base, fs_rights_inheriting;
} __wasi_fdstat_t;
typedef struct {
  uint32_t id;
  uint64_t timeout, precision;
  uint16_t flags;
} __wasi_subscription_clock_t;
typedef struct { uint32_t file_descriptor; } __wasi_subscription_fd_readwrite_t;
typedef struct {
  uint64_t userdata;
  struct {
    uint8_t tag;
    union {
      __wasi_subscription_clock_t clock;
      __wasi_subscription_fd_readwrite_t fd_read, fd_write;
    } u;
  } u;
} __wasi_subscription_t;
typedef struct {
  uint64_t userdata;
  uint16_t error;
  uint8_t type;
  struct { uint64_t nbytes; uint16_t flags; } fd_readwrite;
} __wasi_event_t;

#define __WASI_ERRNO_SUCCESS 0
#define __WASI_ERRNO_AGAIN 6
#define __WASI_ERRNO_BADF 8
#define __WASI_ERRNO_INVAL 28
#define __WASI_ERRNO_IO 29
#define __WASI_FDFLAGS_NONBLOCK 4
#define __WASI_EVENTTYPE_CLOCK 0
#define __WASI_EVENTTYPE_FD_READ 1
#define __WASI_EVENTTYPE_FD_WRITE 2
#define __WASI_CLOCKID_MONOTONIC 1
#define __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP 1

#define WE_IMPORT(name)

enum { WE_INET4 = 1, WE_INET6 = 2 };
enum { WE_DGRAM = 1, WE_STREAM = 2 };

typedef struct { uint8_t* buf; uint32_t buf_len; } we_address;

static inline int32_t we_errno(void) {
  switch (errno) {
    case EAGAIN: return __WASI_ERRNO_AGAIN;
    case EBADF: return __WASI_ERRNO_BADF;
    case EINVAL: return __WASI_ERRNO_INVAL;
    default: return __WASI_ERRNO_IO;
  }
}
#define WE_CHECK(expr) ((expr) < 0 ? we_errno() : 0)

/* Builds a sockaddr from {4 or 16 address bytes} and a port. */
static inline socklen_t we_posix_sockaddr(const we_address* a, int32_t port, struct sockaddr_storage* ss) {
  memset(ss, 0, sizeof *ss);
  if (a->buf_len == 4) {
    struct sockaddr_in* v4 = (struct sockaddr_in*)ss;
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    memcpy(&v4->sin_addr, a->buf, 4);
    return sizeof *v4;
  }
  struct sockaddr_in6* v6 = (struct sockaddr_in6*)ss;
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons((uint16_t)port);
  memcpy(&v6->sin6_addr, a->buf, 16);
  return sizeof *v6;
}

static inline int32_t we_sock_open(int32_t family, int32_t type, uint32_t* fd) {
  int s = socket(family == WE_INET6 ? AF_INET6 : AF_INET, type == WE_DGRAM ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (s < 0) return we_errno();
  if (type != WE_DGRAM) { /* TCP_NODELAY, as mywasm gives guest TCP sockets by default */
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  *fd = (uint32_t)s;
  return 0;
}
static inline int32_t we_sock_setsockopt(int32_t fd, int32_t level, int32_t name, const void* value, int32_t len) {
  if (level != 0 || name != 0) return __WASI_ERRNO_INVAL; /* only SO_REUSEADDR is used */
  return WE_CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, value, (socklen_t)len));
}
static inline int32_t we_sock_bind(int32_t fd, we_address* addr, int32_t port) {
  struct sockaddr_storage ss;
  socklen_t len = we_posix_sockaddr(addr, port, &ss);
  return WE_CHECK(bind(fd, (struct sockaddr*)&ss, len));
}
static inline int32_t we_sock_connect(int32_t fd, we_address* addr, int32_t port) {
  struct sockaddr_storage ss;
  socklen_t len = we_posix_sockaddr(addr, port, &ss);
  return WE_CHECK(connect(fd, (struct sockaddr*)&ss, len));
}
static inline int32_t we_sock_listen(int32_t fd, int32_t backlog) { return WE_CHECK(listen(fd, backlog)); }
static inline int32_t we_sock_accept(int32_t fd, uint32_t* new_fd) {
  int s = accept(fd, NULL, NULL); /* like WasmEdge: a blocking socket */
  if (s < 0) return we_errno();
  *new_fd = (uint32_t)s;
  return 0;
}
static inline int32_t we_sock_recv(int32_t fd, __wasi_iovec_t* iovs, int32_t iovs_len, int32_t flags,
                                   uint32_t* nread, uint16_t* roflags) {
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = (struct iovec*)iovs; /* same layout natively */
  msg.msg_iovlen = (size_t)iovs_len;
  ssize_t n = recvmsg(fd, &msg, 0);
  if (n < 0) return we_errno();
  *nread = (uint32_t)n;
  *roflags = 0;
  return 0;
}
static inline int32_t we_sock_send(int32_t fd, const __wasi_ciovec_t* iovs, int32_t iovs_len, int32_t flags,
                                   uint32_t* nwritten) {
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = (struct iovec*)iovs;
  msg.msg_iovlen = (size_t)iovs_len;
  ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  if (n < 0) return we_errno();
  *nwritten = (uint32_t)n;
  return 0;
}
static inline int32_t we_sock_shutdown(int32_t fd, int32_t how) {
  return WE_CHECK(shutdown(fd, how == 1 ? SHUT_RD : how == 2 ? SHUT_WR : SHUT_RDWR));
}
/* The 128-byte tagged form: u16 family, then the address bytes. */
static inline int32_t we_sock_getlocaladdr(int32_t fd, we_address* addr, uint32_t* port) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr*)&ss, &len) < 0) return we_errno();
  if (addr->buf_len != 128) return __WASI_ERRNO_INVAL;
  memset(addr->buf, 0, 128);
  uint16_t family = ss.ss_family == AF_INET ? WE_INET4 : WE_INET6;
  memcpy(addr->buf, &family, 2);
  if (ss.ss_family == AF_INET) {
    memcpy(addr->buf + 2, &((struct sockaddr_in*)&ss)->sin_addr, 4);
    *port = ntohs(((struct sockaddr_in*)&ss)->sin_port);
  } else {
    memcpy(addr->buf + 2, &((struct sockaddr_in6*)&ss)->sin6_addr, 16);
    *port = ntohs(((struct sockaddr_in6*)&ss)->sin6_port);
  }
  return 0;
}

static inline __wasi_errno_t __wasi_fd_close(__wasi_fd_t fd) { return (__wasi_errno_t)WE_CHECK(close((int)fd)); }
static inline __wasi_errno_t __wasi_fd_fdstat_get(__wasi_fd_t fd, __wasi_fdstat_t* st) {
  int fl = fcntl((int)fd, F_GETFL);
  if (fl < 0) return (__wasi_errno_t)we_errno();
  memset(st, 0, sizeof *st);
  st->fs_flags = (fl & O_NONBLOCK) ? __WASI_FDFLAGS_NONBLOCK : 0;
  return 0;
}
static inline __wasi_errno_t __wasi_fd_fdstat_set_flags(__wasi_fd_t fd, uint16_t flags) {
  int fl = fcntl((int)fd, F_GETFL);
  if (fl < 0) return (__wasi_errno_t)we_errno();
  fl = (flags & __WASI_FDFLAGS_NONBLOCK) ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  return (__wasi_errno_t)WE_CHECK(fcntl((int)fd, F_SETFL, fl));
}

/* poll_oneoff over poll(2): descriptors and relative monotonic clocks. */
static inline __wasi_errno_t __wasi_poll_oneoff(const __wasi_subscription_t* in, __wasi_event_t* out,
                                                __wasi_size_t n, __wasi_size_t* nevents) {
  enum { kMax = 8192 };
  static struct pollfd pfd[kMax];
  static uint32_t which[kMax];
  *nevents = 0;
  if (n == 0 || n > kMax) return __WASI_ERRNO_INVAL;
  nfds_t np = 0;
  int64_t timeout_ms = -1;
  int64_t clock_index = -1;
  for (uint32_t i = 0; i < n; ++i) {
    if (in[i].u.tag == __WASI_EVENTTYPE_CLOCK) {
      int64_t ms = (int64_t)(in[i].u.u.clock.timeout / 1000000u);
      if (timeout_ms < 0 || ms < timeout_ms) {
        timeout_ms = ms;
        clock_index = i;
      }
    } else {
      pfd[np].fd = (int)in[i].u.u.fd_read.file_descriptor;
      pfd[np].events = in[i].u.tag == __WASI_EVENTTYPE_FD_READ ? POLLIN : POLLOUT;
      pfd[np].revents = 0;
      which[np++] = i;
    }
  }
  int ready;
  do ready = poll(pfd, np, (int)timeout_ms);
  while (ready < 0 && errno == EINTR);
  if (ready < 0) return (__wasi_errno_t)we_errno();
  __wasi_size_t k = 0;
  for (nfds_t j = 0; j < np; ++j) {
    if (!pfd[j].revents) continue;
    memset(&out[k], 0, sizeof out[k]);
    out[k].userdata = in[which[j]].userdata;
    out[k].type = in[which[j]].u.tag;
    if (pfd[j].revents & POLLNVAL) out[k].error = __WASI_ERRNO_BADF;
    if (pfd[j].revents & POLLHUP) out[k].fd_readwrite.flags = __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP;
    ++k;
  }
  if (ready == 0 && clock_index >= 0) {
    memset(&out[k], 0, sizeof out[k]);
    out[k].userdata = in[clock_index].userdata;
    out[k].type = __WASI_EVENTTYPE_CLOCK;
    ++k;
  }
  *nevents = k;
  return 0;
}
