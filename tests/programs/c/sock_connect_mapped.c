/* Connects an IPv6 TCP socket to ::ffff:127.0.0.1 (the IPv4-mapped form of
   127.0.0.1) on port argv[1], sends "ping" and prints the reply, or prints
   "connect failed: ERRNO". For the network-policy tests: a rule about
   127.0.0.1 must hold for this address too. Exit 0 either way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmedge_sock.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  uint8_t ip[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  we_address addr = {ip, 16};
  uint32_t fd;
  if (we_sock_open(WE_INET6, WE_STREAM, &fd)) return 10;
  int32_t err = we_sock_connect(fd, &addr, atoi(argv[1]));
  if (err) {
    printf("connect failed: %d\n", err);
    return 0;
  }
  if (we_send_all(fd, "ping", 4)) return 11;
  we_sock_shutdown(fd, 2);
  char buf[64];
  if (we_recv_to_end(fd, buf, sizeof buf)) return 12;
  printf("reply %s\n", buf);
  return 0;
}
