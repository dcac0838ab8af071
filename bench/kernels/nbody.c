// N-body simulation of five planets: double-precision arithmetic and sqrt.
#include <math.h>

#include "kernel.h"

#define N 5
static const double kPi = 3.141592653589793, kDays = 365.24;
static double x[N], y[N], z[N], vx[N], vy[N], vz[N], m[N];

static void init(void) {
  const double s = 4 * kPi * kPi;
  const double p[N][7] = {
      {0, 0, 0, 0, 0, 0, 1},
      {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03,
       7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04},
      {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03,
       4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04},
      {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03,
       2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05},
      {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03,
       1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05}};
  for (int i = 0; i < N; i++) {
    x[i] = p[i][0], y[i] = p[i][1], z[i] = p[i][2];
    vx[i] = p[i][3] * kDays, vy[i] = p[i][4] * kDays, vz[i] = p[i][5] * kDays;
    m[i] = p[i][6] * s;
  }
}

static void advance(double dt) {
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++) {
      double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * sqrt(d2));
      vx[i] -= dx * m[j] * mag, vy[i] -= dy * m[j] * mag, vz[i] -= dz * m[j] * mag;
      vx[j] += dx * m[i] * mag, vy[j] += dy * m[i] * mag, vz[j] += dz * m[i] * mag;
    }
  for (int i = 0; i < N; i++) x[i] += dt * vx[i], y[i] += dt * vy[i], z[i] += dt * vz[i];
}

static double energy(void) {
  double e = 0;
  for (int i = 0; i < N; i++) {
    e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
    for (int j = i + 1; j < N; j++) {
      double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
      e -= m[i] * m[j] / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

KERNEL_EXPORT long long run(void) {
  init();
  for (int k = 0; k < 2000000; k++) advance(0.01);
  return (long long)(energy() * 1e9);
}
