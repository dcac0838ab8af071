/* TCP client: resolves argv[1] (a host name) with sock_getaddrinfo, connects
   to port argv[2], sends "ping", prints the reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmedge_sock.h"

#define MAX_RESULTS 4

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  const char* host = argv[1];
  const char* service = argv[2];
  /* The guest pre-allocates the result chain; the host fills it in. */
  we_addrinfo infos[MAX_RESULTS];
  we_sockaddr addrs[MAX_RESULTS];
  uint8_t data[MAX_RESULTS][26];
  memset(infos, 0, sizeof infos);
  for (int i = 0; i < MAX_RESULTS; ++i) {
    addrs[i].sa_data = data[i];
    addrs[i].sa_data_len = sizeof data[i];
    infos[i].ai_addr = &addrs[i];
    infos[i].ai_next = i + 1 < MAX_RESULTS ? &infos[i + 1] : NULL;
  }
  we_addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = WE_INET4;
  hints.ai_socktype = WE_STREAM;
  we_addrinfo* res = infos;
  uint32_t found = 0;
  int32_t err = we_sock_getaddrinfo(host, strlen(host), service, strlen(service), &hints, &res, MAX_RESULTS, &found);
  if (err || found == 0) {
    printf("getaddrinfo failed: %d\n", err);
    return 10;
  }
  we_addrinfo* ai = &infos[0];
  if (ai->ai_family != WE_INET4 || ai->ai_addr->sa_family != WE_INET4) return 11;
  uint32_t port = (uint32_t)data[0][0] << 8 | data[0][1]; /* network order, as in sa_data */
  printf("resolved %s to %u.%u.%u.%u port %u\n", host, data[0][2], data[0][3], data[0][4], data[0][5], port);

  uint32_t fd;
  if (we_sock_open(WE_INET4, WE_STREAM, &fd)) return 12;
  we_address addr = {&data[0][2], 4};
  err = we_sock_connect(fd, &addr, (int32_t)port);
  if (err) {
    printf("connect failed: %d\n", err);
    return 13;
  }
  if (we_send_all(fd, "ping", 4)) return 14;
  we_sock_shutdown(fd, 2);
  char buf[256];
  if (we_recv_to_end(fd, buf, sizeof buf)) return 15;
  printf("reply %s\n", buf);
  (void)__wasi_fd_close(fd);
  return 0;
}
