/* Debian's libasmjit.a is compiled for executables (PIE): its one use of a
 * libc variable, `stderr`, is a PC-relative reference that a shared library
 * cannot resolve to libc. In libmywasm.so that reference binds to this
 * hidden stand-in instead, which points at libc's own stderr stream (the
 * object `stderr` itself points to). Only the shared library has it. */
struct _IO_FILE;
extern struct _IO_FILE _IO_2_1_stderr_;
__attribute__((visibility("hidden"))) struct _IO_FILE* stderr = &_IO_2_1_stderr_;
