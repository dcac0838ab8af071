/* poll_oneoff over a mix of clocks, stdio, regular files and 1000 sockets
   (tests/cli/sock_load_test.cpp runs it). The program connects 1000
   client sockets to its own listener and keeps both ends, then checks one
   case at a time, printing "ok NAME" for each and "FAIL NAME: ..." (exit 1)
   on the first that does not hold:
     idle            1000 quiet sockets and a 20 ms clock: only the clock fires, on time
     one-ready       one socket with data among 1000: exactly its event, with nbytes
     not-named       a readable socket left out of the call: no event, no early wake-up
     named-again     the same socket named again: its event at once
     duplicates      one socket named for read twice and for write once: three events
     all-writable    1000 write subscriptions: 1000 events
     hangup          a peer that closed: a read event with the hang-up flag
     file            a regular file: read (nbytes = bytes left) and write at once, clock unused
     stdin           stdin is a pipe the test writes to late: its read event, not the 5 s clock
     abstime         a realtime clock with an absolute deadline 30 ms ahead
   Usage: poll_mix FILE (a path in a preopened directory, created). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasmedge_sock.h"

#define N 1000
#define CLOCK_ID 0xC10C

static uint32_t client[N], server[N];
static __wasi_subscription_t subs[2 * N + 8];
static __wasi_event_t ev[2 * N + 8];
static uint32_t nsubs;

static _Noreturn void fail(const char* name, const char* what, long detail) {
  printf("FAIL %s: %s (%ld)\n", name, what, detail);
  exit(1);
}

static uint64_t now_ns(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(id, 1, &t)) fail("clock", "clock_time_get failed", (long)id);
  return t;
}

static void sub_fd(uint64_t userdata, __wasi_eventtype_t type, uint32_t fd) {
  __wasi_subscription_t* s = &subs[nsubs++];
  memset(s, 0, sizeof *s);
  s->userdata = userdata;
  s->u.tag = type;
  s->u.u.fd_read.file_descriptor = fd;
}

static void sub_clock(__wasi_clockid_t id, uint64_t timeout_ns, int abstime) {
  __wasi_subscription_t* s = &subs[nsubs++];
  memset(s, 0, sizeof *s);
  s->userdata = CLOCK_ID;
  s->u.tag = __WASI_EVENTTYPE_CLOCK;
  s->u.u.clock.id = id;
  s->u.u.clock.timeout = timeout_ns;
  s->u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
}

/* Read subscriptions on every server socket but `skip` (-1: none); userdata = index. */
static void sub_servers(int skip) {
  for (int i = 0; i < N; ++i)
    if (i != skip) sub_fd((uint64_t)i, __WASI_EVENTTYPE_FD_READ, server[i]);
}

static uint32_t poll_now(const char* name) {
  __wasi_size_t n = 0;
  __wasi_errno_t err = __wasi_poll_oneoff(subs, ev, nsubs, &n);
  if (err) fail(name, "poll_oneoff failed", err);
  for (uint32_t i = 0; i < n; ++i)
    if (ev[i].error) fail(name, "an event carries an error", ev[i].error);
  nsubs = 0;
  return n;
}

static void expect_only_clock(const char* name, uint32_t n, uint64_t start, uint64_t min_ns) {
  if (n != 1) fail(name, "events, expected only the clock", n);
  if (ev[0].userdata != CLOCK_ID) fail(name, "event is not the clock", (long)ev[0].userdata);
  uint64_t took = now_ns(__WASI_CLOCKID_MONOTONIC) - start;
  if (took < min_ns) fail(name, "woke early, ns", (long)took);
}

static void send_bytes(uint32_t fd, const char* data, uint32_t len) {
  if (we_send_all(fd, data, len)) fail("send", "send failed", fd);
}

static void drain(uint32_t fd, uint32_t expect) {
  char buf[64];
  uint32_t n = 0;
  if (we_recv(fd, buf, sizeof buf, &n) || n != expect) fail("drain", "recv got", n);
}

static void connect_all(void) {
  uint32_t lfd;
  if (we_sock_open(WE_INET4, WE_STREAM, &lfd)) fail("setup", "sock_open", 0);
  uint8_t ip[4] = {127, 0, 0, 1};
  we_address addr = {ip, 4};
  if (we_sock_bind(lfd, &addr, 0) || we_sock_listen(lfd, 64)) fail("setup", "bind/listen", 0);
  uint8_t local[128];
  we_address local_addr = {local, sizeof local};
  uint32_t port = 0;
  if (we_sock_getlocaladdr(lfd, &local_addr, &port)) fail("setup", "getlocaladdr", 0);
  for (int i = 0; i < N; ++i) {
    if (we_sock_open(WE_INET4, WE_STREAM, &client[i])) fail("setup", "sock_open client", i);
    if (we_sock_connect(client[i], &addr, (int32_t)port)) fail("setup", "connect", i);
    if (we_sock_accept(lfd, &server[i])) fail("setup", "accept", i);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  connect_all();
  printf("connected %d\n", N);

  uint64_t start = now_ns(__WASI_CLOCKID_MONOTONIC);
  sub_servers(-1);
  sub_clock(__WASI_CLOCKID_MONOTONIC, 20000000, 0);
  expect_only_clock("idle", poll_now("idle"), start, 20000000);
  printf("ok idle\n");

  send_bytes(client[517], "abc", 3);
  sub_servers(-1);
  sub_clock(__WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  uint32_t n = poll_now("one-ready");
  if (n != 1 || ev[0].userdata != 517) fail("one-ready", "events / first userdata", n ? (long)ev[0].userdata : -1);
  if (ev[0].type != __WASI_EVENTTYPE_FD_READ || ev[0].fd_readwrite.nbytes != 3)
    fail("one-ready", "type / nbytes", (long)ev[0].fd_readwrite.nbytes);
  printf("ok one-ready\n");

  start = now_ns(__WASI_CLOCKID_MONOTONIC);
  sub_servers(517);
  sub_clock(__WASI_CLOCKID_MONOTONIC, 20000000, 0);
  expect_only_clock("not-named", poll_now("not-named"), start, 20000000);
  printf("ok not-named\n");

  sub_servers(-1);
  sub_clock(__WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  n = poll_now("named-again");
  if (n != 1 || ev[0].userdata != 517) fail("named-again", "events / first userdata", n ? (long)ev[0].userdata : -1);
  drain(server[517], 3);
  printf("ok named-again\n");

  send_bytes(client[10], "x", 1);
  sub_fd(101, __WASI_EVENTTYPE_FD_READ, server[10]);
  sub_fd(102, __WASI_EVENTTYPE_FD_READ, server[10]);
  sub_fd(103, __WASI_EVENTTYPE_FD_WRITE, server[10]);
  n = poll_now("duplicates");
  uint64_t seen = 0;
  for (uint32_t i = 0; i < n; ++i) seen += ev[i].userdata;
  if (n != 3 || seen != 101 + 102 + 103) fail("duplicates", "events", n);
  drain(server[10], 1);
  printf("ok duplicates\n");

  for (int i = 0; i < N; ++i) sub_fd((uint64_t)i, __WASI_EVENTTYPE_FD_WRITE, server[i]);
  n = poll_now("all-writable");
  if (n != N) fail("all-writable", "events", n);
  static char hit[N];
  for (uint32_t i = 0; i < n; ++i) {
    if (ev[i].userdata >= N || hit[ev[i].userdata]) fail("all-writable", "bad or repeated userdata", (long)ev[i].userdata);
    hit[ev[i].userdata] = 1;
  }
  printf("ok all-writable\n");

  if (__wasi_fd_close(client[3])) fail("hangup", "fd_close", 0);
  sub_servers(-1);
  sub_clock(__WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  n = poll_now("hangup");
  if (n != 1 || ev[0].userdata != 3) fail("hangup", "events / first userdata", n ? (long)ev[0].userdata : -1);
  if (!(ev[0].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP)) fail("hangup", "no hang-up flag", 0);
  printf("ok hangup\n");

  FILE* f = fopen(argv[1], "w+");
  if (!f || fputs("hello", f) < 0 || fflush(f) || fseek(f, 1, SEEK_SET)) fail("file", "cannot write the file", 0);
  int file_fd = fileno(f);
  sub_servers(3);  /* 3 is hung up, so always ready */
  sub_fd(2001, __WASI_EVENTTYPE_FD_READ, (uint32_t)file_fd);
  sub_fd(2002, __WASI_EVENTTYPE_FD_WRITE, (uint32_t)file_fd);
  sub_clock(__WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  n = poll_now("file");
  if (n != 2 || ev[0].userdata + ev[1].userdata != 2001 + 2002) fail("file", "events", n);
  for (uint32_t i = 0; i < n; ++i)
    if (ev[i].userdata == 2001 && ev[i].fd_readwrite.nbytes != 4) fail("file", "nbytes", (long)ev[i].fd_readwrite.nbytes);
  printf("ok file\n");
  fflush(stdout);

  sub_servers(3);
  sub_fd(3001, __WASI_EVENTTYPE_FD_READ, 0);
  sub_clock(__WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  n = poll_now("stdin");
  if (n != 1 || ev[0].userdata != 3001 || ev[0].fd_readwrite.nbytes < 1)
    fail("stdin", "events / first userdata", n ? (long)ev[0].userdata : -1);
  printf("ok stdin\n");

  uint64_t deadline = now_ns(__WASI_CLOCKID_REALTIME) + 30000000;
  start = now_ns(__WASI_CLOCKID_MONOTONIC);
  sub_servers(3);
  sub_clock(__WASI_CLOCKID_REALTIME, deadline, 1);
  expect_only_clock("abstime", poll_now("abstime"), start, 25000000);
  printf("ok abstime\n");
  return 0;
}
