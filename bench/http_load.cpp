// Command-line front end of the load client in tests/support/http_load.hpp,
// for bench/http_rps.py:
//   http_load PORT [--connections N] [--seconds S] [--pipeline P] [--per-connection R]
// (--per-connection R: close and reconnect after R requests; 0 keeps each
// connection for the whole run) prints one line:
//   "requests R errors E seconds S rps X p50_us A p99_us B connects C".
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../tests/support/http_load.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_load PORT [--connections N] [--seconds S] [--pipeline P] [--per-connection R]\n");
    return 2;
  }
  mywasm_load::Options o;
  o.port = std::atoi(argv[1]);
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--connections")) o.connections = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) o.duration = std::chrono::milliseconds(long(std::atof(argv[i + 1]) * 1000));
    else if (!std::strcmp(argv[i], "--pipeline")) o.pipeline = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--per-connection")) o.requests_per_connection = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  mywasm_load::Result r = mywasm_load::run(o);
  std::printf("requests %llu errors %llu seconds %.3f rps %.0f p50_us %u p99_us %u connects %llu\n",
              (unsigned long long)r.requests, (unsigned long long)r.errors, r.seconds, r.rps(),
              r.latency_quantile_us(0.5), r.latency_quantile_us(0.99), (unsigned long long)r.connects);
  if (r.errors) std::fprintf(stderr, "first error: %s\n", r.first_error.c_str());
  return r.errors ? 1 : 0;
}
