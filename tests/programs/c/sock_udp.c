/* UDP over WasmEdge's socket ABI: a receiver bound to an ephemeral port on
   127.0.0.1 (argv[1] == "6": ::1), a sender using sock_send_to, the
   receiver using sock_recv_from and replying to the sender's address. */
#include <stdio.h>
#include <string.h>

#include "wasmedge_sock.h"

int main(int argc, char** argv) {
  int v6 = argc > 1 && strcmp(argv[1], "6") == 0;
  int family = v6 ? WE_INET6 : WE_INET4;
  uint8_t ip4[4] = {127, 0, 0, 1}, ip6[16] = {[15] = 1};
  we_address loop = {v6 ? ip6 : ip4, v6 ? 16 : 4};
  uint32_t rx, tx;
  if (we_sock_open(family, WE_DGRAM, &rx) || we_sock_open(family, WE_DGRAM, &tx)) return 10;
  if (we_sock_bind(rx, &loop, 0)) return 11;
  uint8_t local[128];
  we_address local_addr = {local, sizeof local};
  uint32_t rx_port = 0;
  if (we_sock_getlocaladdr(rx, &local_addr, &rx_port)) return 12;

  const char msg[] = "datagram";
  __wasi_ciovec_t out = {(const uint8_t*)msg, sizeof msg - 1};
  uint32_t sent = 0;
  if (we_sock_send_to(tx, &out, 1, &loop, (int32_t)rx_port, 0, &sent) || sent != sizeof msg - 1) return 13;

  char buf[64] = {0};
  __wasi_iovec_t in = {(uint8_t*)buf, sizeof buf - 1};
  uint8_t from[128];
  we_address from_addr = {from, sizeof from};
  uint32_t from_port = 0, got = 0;
  uint16_t roflags = 0;
  if (we_sock_recv_from(rx, &in, 1, &from_addr, 0, &from_port, &got, &roflags)) return 14;
  uint16_t from_family;
  memcpy(&from_family, from, 2);
  printf("received '%.*s' from family %u\n", (int)got, buf, from_family);

  /* Reply to the sender's address as reported. */
  we_address back = {from + 2, v6 ? 16 : 4};
  __wasi_ciovec_t reply = {(const uint8_t*)"ack", 3};
  if (we_sock_send_to(rx, &reply, 1, &back, (int32_t)from_port, 0, &sent)) return 15;
  memset(buf, 0, sizeof buf);
  if (we_recv(tx, buf, sizeof buf - 1, &got)) return 16;
  printf("reply '%.*s'\n", (int)got, buf);
  return 0;
}
