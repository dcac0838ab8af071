/* Uses the listening socket the runtime preopened with --tcplisten (fd 3)
   through wasi-libc's standard accept/recv/send (preview1 sock_accept etc.),
   answering one connection with "hello from fd 3". */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int conn = accept(3, NULL, NULL);
  if (conn < 0) {
    perror("accept");
    return 10;
  }
  char buf[256];
  ssize_t n = recv(conn, buf, sizeof buf - 1, 0);
  if (n < 0) return 11;
  const char reply[] = "hello from fd 3";
  if (send(conn, reply, sizeof reply - 1, 0) != (ssize_t)(sizeof reply - 1)) return 12;
  shutdown(conn, SHUT_RDWR);
  close(conn);
  printf("served\n");
  return 0;
}
