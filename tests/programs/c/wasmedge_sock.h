/* WasmEdge's socket extension to wasi_snapshot_preview1, as imported by
   wasmedge_wasi_socket, for the socket test programs. Built natively (not
   for wasm32-wasi), the same calls come from wasmedge_sock_posix.h instead. */
#pragma once
#include <stdint.h>

#ifndef __wasi__
#include "wasmedge_sock_posix.h"
#else
#include <wasi/api.h>

#define WE_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

enum { WE_INET4 = 1, WE_INET6 = 2 };
enum { WE_DGRAM = 1, WE_STREAM = 2 };

/* {buf, buf_len}: 4 / 16 raw address bytes, or 128 bytes "u16 family, bytes". */
typedef struct { uint8_t* buf; uint32_t buf_len; } we_address;

typedef struct {
  uint16_t sa_family;
  uint32_t sa_data_len;
  uint8_t* sa_data;
} we_sockaddr;

typedef struct we_addrinfo {
  uint16_t ai_flags;
  uint8_t ai_family, ai_socktype, ai_protocol;
  uint32_t ai_addrlen;
  we_sockaddr* ai_addr;
  char* ai_canonname;
  uint32_t ai_canonname_len;
  struct we_addrinfo* ai_next;
} we_addrinfo;

WE_IMPORT("sock_open") int32_t we_sock_open(int32_t family, int32_t type, uint32_t* fd);
WE_IMPORT("sock_bind") int32_t we_sock_bind(int32_t fd, we_address* addr, int32_t port);
WE_IMPORT("sock_listen") int32_t we_sock_listen(int32_t fd, int32_t backlog);
WE_IMPORT("sock_accept") int32_t we_sock_accept(int32_t fd, uint32_t* new_fd);
WE_IMPORT("sock_connect") int32_t we_sock_connect(int32_t fd, we_address* addr, int32_t port);
WE_IMPORT("sock_recv") int32_t we_sock_recv(int32_t fd, __wasi_iovec_t* iovs, int32_t iovs_len, int32_t flags,
                                            uint32_t* nread, uint16_t* roflags);
WE_IMPORT("sock_send") int32_t we_sock_send(int32_t fd, const __wasi_ciovec_t* iovs, int32_t iovs_len,
                                            int32_t flags, uint32_t* nwritten);
WE_IMPORT("sock_recv_from") int32_t we_sock_recv_from(int32_t fd, __wasi_iovec_t* iovs, int32_t iovs_len,
                                                      we_address* addr, int32_t flags, uint32_t* port,
                                                      uint32_t* nread, uint16_t* roflags);
WE_IMPORT("sock_send_to") int32_t we_sock_send_to(int32_t fd, const __wasi_ciovec_t* iovs, int32_t iovs_len,
                                                  we_address* addr, int32_t port, int32_t flags, uint32_t* nwritten);
WE_IMPORT("sock_shutdown") int32_t we_sock_shutdown(int32_t fd, int32_t how);
WE_IMPORT("sock_setsockopt") int32_t we_sock_setsockopt(int32_t fd, int32_t level, int32_t name, const void* value,
                                                        int32_t len);
WE_IMPORT("sock_getsockopt") int32_t we_sock_getsockopt(int32_t fd, int32_t level, int32_t name, void* value,
                                                        uint32_t* len);
WE_IMPORT("sock_getlocaladdr") int32_t we_sock_getlocaladdr(int32_t fd, we_address* addr, uint32_t* port);
WE_IMPORT("sock_getpeeraddr") int32_t we_sock_getpeeraddr(int32_t fd, we_address* addr, uint32_t* port);
WE_IMPORT("sock_getaddrinfo") int32_t we_sock_getaddrinfo(const char* node, uint32_t node_len, const char* service,
                                                          uint32_t service_len, const we_addrinfo* hints,
                                                          we_addrinfo** res, uint32_t max_res, uint32_t* res_len);

#endif /* __wasi__ */

/* Helpers: send/receive one buffer. */
static inline int32_t we_send_all(uint32_t fd, const void* data, uint32_t len) {
  while (len) {
    __wasi_ciovec_t iov = {(const uint8_t*)data, len};
    uint32_t n = 0;
    int32_t err = we_sock_send(fd, &iov, 1, 0, &n);
    if (err) return err;
    data = (const uint8_t*)data + n;
    len -= n;
  }
  return 0;
}
static inline int32_t we_recv(uint32_t fd, void* buf, uint32_t cap, uint32_t* n) {
  __wasi_iovec_t iov = {(uint8_t*)buf, cap};
  uint16_t roflags = 0;
  return we_sock_recv(fd, &iov, 1, 0, n, &roflags);
}
/* Receives until the peer closes or buf (cap >= 1) is full, as a C string. */
static inline int32_t we_recv_to_end(uint32_t fd, char* buf, uint32_t cap) {
  uint32_t total = 0, n = 0;
  do {
    int32_t err = we_recv(fd, buf + total, cap - 1 - total, &n);
    if (err) return err;
    total += n;
  } while (n > 0 && total < cap - 1);
  buf[total] = 0;
  return 0;
}
