#!/usr/bin/env python3
"""Compares two `compile_module FILE.wasm --dump-code OUT` dumps: the machine
code and code origins of every function must be the same, but for the
64-bit immediates of movabs (REX.W B8+r imm64), which hold absolute
addresses (the store, a function, a global, a helper) that differ between
two builds or runs. Exits 1 and names the first functions that differ.

    bench/compare_code_dumps.py OLD.dump NEW.dump
"""
import struct
import sys


def functions(path):
    data = open(path, "rb").read()
    pos = 0
    while pos < len(data):
        (size,) = struct.unpack_from("<I", data, pos)
        code = data[pos + 4 : pos + 4 + size]
        pos += 4 + size
        (count,) = struct.unpack_from("<I", data, pos)
        origins = data[pos + 4 : pos + 4 + 8 * count]
        pos += 4 + 8 * count
        yield code, origins


def in_movabs_immediate(code, i):
    """Whether byte i lies in the imm64 of a movabs starting before it."""
    for start in range(max(2, i - 7), i + 1):
        if code[start - 2] in (0x48, 0x49) and 0xB8 <= code[start - 1] <= 0xBF:
            return True
    return False


def same(old, new):
    if len(old) != len(new):
        return False
    for i, (a, b) in enumerate(zip(old, new)):
        if a != b and not (in_movabs_immediate(old, i) and in_movabs_immediate(new, i)):
            return False
    return True


def main():
    old, new = list(functions(sys.argv[1])), list(functions(sys.argv[2]))
    if len(old) != len(new):
        print(f"{len(old)} functions against {len(new)}")
        return 1
    differ = [k for k, (o, n) in enumerate(zip(old, new)) if o[1] != n[1] or not same(o[0], n[0])]
    code_bytes = sum(len(c) for c, _ in new)
    print(f"{len(new)} functions, {code_bytes} bytes of code: {len(differ)} differ {differ[:10]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
