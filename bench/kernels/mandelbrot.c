// Mandelbrot set membership over a grid: tight float loop with branches.
#include "kernel.h"

KERNEL_EXPORT long long run(void) {
  const int w = 1600, h = 1200, max_iter = 200;
  long long inside = 0;
  for (int py = 0; py < h; py++)
    for (int px = 0; px < w; px++) {
      double cr = -2.0 + 3.0 * px / w, ci = -1.2 + 2.4 * py / h, zr = 0, zi = 0;
      int i = 0;
      while (i < max_iter && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        i++;
      }
      inside += i;
    }
  return inside;
}
