/* Reports TCP_NODELAY (sock_getsockopt level 6, name 1: mywasm's TCP
   level) on each kind of TCP socket a guest holds, then turns it around on
   one and reads it back:
     opened N accepted N connected N tcplisten N flipped N
   tcplisten is the socket handed as fd 3 by --tcplisten (-1 without one).
   tests/cli/sock_test.cpp runs it with and without --no-tcp-nodelay. */
#include <stdio.h>

#include "wasmedge_sock.h"

#define LEVEL_TCP 6
#define TCP_NODELAY_NAME 1

static int nodelay(uint32_t fd) {
  int value = -1;
  uint32_t len = sizeof value;
  if (we_sock_getsockopt(fd, LEVEL_TCP, TCP_NODELAY_NAME, &value, &len) || len != 4) return -1;
  return value;
}

int main(int argc, char** argv) {
  uint32_t lfd, cfd, afd;
  if (we_sock_open(WE_INET4, WE_STREAM, &lfd)) return 10;
  int opened = nodelay(lfd);
  uint8_t ip[4] = {127, 0, 0, 1};
  we_address addr = {ip, 4};
  if (we_sock_bind(lfd, &addr, 0) || we_sock_listen(lfd, 4)) return 11;
  uint8_t local[128];
  we_address local_addr = {local, sizeof local};
  uint32_t port = 0;
  if (we_sock_getlocaladdr(lfd, &local_addr, &port)) return 12;
  if (we_sock_open(WE_INET4, WE_STREAM, &cfd) || we_sock_connect(cfd, &addr, (int32_t)port)) return 13;
  if (we_sock_accept(lfd, &afd)) return 14;
  int tcplisten = argc > 1 ? nodelay(3) : -1;

  int accepted = nodelay(afd);
  int flipped = !accepted;
  if (we_sock_setsockopt(afd, LEVEL_TCP, TCP_NODELAY_NAME, &flipped, 4)) return 15;
  int bad = 1;
  if (we_sock_setsockopt(afd, LEVEL_TCP, 99, &bad, 4) != __WASI_ERRNO_INVAL) return 16;
  printf("opened %d accepted %d connected %d tcplisten %d flipped %d\n", opened, accepted, nodelay(cfd), tcplisten,
         nodelay(afd));
  return 0;
}
