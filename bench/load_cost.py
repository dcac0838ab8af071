#!/usr/bin/env python3
"""Load cost of hostile modules (issue 13, item 4): wall time and peak RSS
of `mywasm run` per MB of input, on each tier.

Builds the inputs into a temporary directory (nothing big is kept), runs
each one in a fresh process and reads the process's own rusage:

  nested_blocks  functions of 2.5M nested empty blocks each (the largest
                 that fits the 7,654,321-byte body limit)
  nested_results the same with `block (result i32)`, a value carried out
  nested_mixed   block / loop / if-else nested, each carrying an i32
  br_tables      functions full of 65,520-target br_tables (the limit)
  many_locals    functions of 50,000 locals each (the limit), 7 bytes each;
                 only one is called (a call zeroes its 50,000 locals: that
                 is run time, not load time)
  local_groups   functions of 50,000 one-local groups, each read back
  wide_br_if     2,000 br_ifs to a label of 1,000 values (the values
                 pending: constants)
  wide_br_if_moved  the same, the values one slot above the label's
  wide_return_if 2,000 br_ifs to the function's label, of 1,000 results
  deep_stack_blocks  1.27M values on the stack, then as many empty blocks
  local_tees     1.5M reads of a local on the stack, then as many local.tee
  elem_funcs     a passive element segment of 10M function indices (the
                 limit), 1 byte each
  elem_exprs     one of 3.3M `ref.func 0` expressions, 3 bytes each
  many_types     1M distinct function types (the limit), 20 bytes each,
                 one function: each is interned in the store at
                 instantiation (a search per type was quadratic)
  big_wat        a .wat text of many ordinary functions

Every module's `_start` calls all its functions, so each one is
translated (interp) or compiled (jit), not just decoded and validated.

  bench/load_cost.py [--mywasm build/tools/mywasm] [--tiers interp,jit]
                     [--scale 1.0] [-k NAME]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

BODY_LIMIT = 7_654_321
BR_TABLE_LIMIT = 65_520
LOCALS_LIMIT = 50_000
I32 = 0x7F


# ---- binary encoding ----------------------------------------------------
def leb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def vec(items):
    return leb(len(items)) + b"".join(items)


def section(ident, payload):
    return bytes([ident]) + leb(len(payload)) + payload


def body(code, local_groups=()):
    """A function body: local declarations ((count, type) pairs) and code."""
    locals_part = vec([leb(n) + bytes([t]) for n, t in local_groups])
    payload = locals_part + code
    assert len(payload) <= BODY_LIMIT, len(payload)
    return leb(len(payload)) + payload


def module(bodies, calls=None, extra_types=(), func_types=None, elements=None):
    """Functions of type 0, () -> (), plus a `_start` that calls the first
    `calls` of them (all by default). extra_types: encoded function types
    from index 1, for block types. func_types: each function's type index
    when not all 0 (`_start` calls only those of type 0). elements: the
    element section's payload."""
    n = len(bodies)
    func_types = func_types or [0] * n
    called = [i for i in range(n if calls is None else calls) if func_types[i] == 0]
    start = b"".join(b"\x10" + leb(i) for i in called) + b"\x0b"
    all_bodies = list(bodies) + [body(start)]
    return (b"\0asm\1\0\0\0" +
            section(1, vec([b"\x60\x00\x00"] + list(extra_types))) +
            section(3, vec([leb(t) for t in func_types] + [b"\x00"])) +
            section(7, vec([leb(6) + b"_start" + b"\x00" + leb(n)])) +
            (section(9, elements) if elements else b"") +
            section(10, vec(all_bodies)))


def functions_filling(total_bytes, one_body):
    """As many copies of one body as make about total_bytes."""
    return [one_body] * max(1, round(total_bytes / len(one_body)))


# ---- the hostile inputs -------------------------------------------------
def nested_blocks(scale):
    depth = (BODY_LIMIT - 16) // 3
    one = body(b"\x02\x40" * depth + b"\x0b" * depth + b"\x0b")
    return functions_filling(30e6 * scale, one)


def nested_results(scale):
    depth = (BODY_LIMIT - 16) // 3
    one = body(b"\x02\x7f" * depth + b"\x41\x00" + b"\x0b" * depth + b"\x1a\x0b")
    return functions_filling(10e6 * scale, one)


def nested_mixed(scale):
    # block (result i32) / loop (result i32) / i32.const 1 if (result i32),
    # the if's value coming back through an else arm.
    opens = [b"\x02\x7f", b"\x03\x7f", b"\x41\x01\x04\x7f"]
    closes = [b"\x0b", b"\x0b", b"\x05\x41\x00\x0b"]
    per_triple = sum(map(len, opens)) + sum(map(len, closes))
    triples = (BODY_LIMIT - 16) // per_triple
    code = (b"".join(opens) * triples + b"\x41\x00" +
            b"".join(reversed(closes)) * triples + b"\x1a\x0b")
    return functions_filling(10e6 * scale, body(code))


def br_tables(scale):
    # block block  i32.const 0  br_table (0 1 0 1 ...) 0  end end, repeated.
    table = (b"\x00\x01" * (BR_TABLE_LIMIT // 2))
    one_table = b"\x02\x40\x02\x40\x41\x00\x0e" + leb(BR_TABLE_LIMIT) + table + b"\x00\x0b\x0b"
    count = (BODY_LIMIT - 16) // len(one_table)
    one = body(one_table * count + b"\x0b")
    return functions_filling(10e6 * scale, one)


WIDE = 1000  # the JS API's limit on results, so on a label's arity


def wide_type():
    """Type 1: () -> (i32 x 1000)."""
    return b"\x60\x00" + leb(WIDE) + bytes([I32]) * WIDE


def wide_br_if(scale):
    # i32.const 0 (a value below the label's), block (type 1), 1,000
    # constants, then `local.get 0  br_if 0` over and over: each branch
    # moves 1,000 values into the label's slots, so its code is 1,000
    # moves for 4 bytes of input. Kept small: this one is not linear.
    count = max(1, round(2000 * scale))
    code = (b"\x41\x00\x02\x01" + b"\x41\x00" * WIDE + b"\x20\x00\x0d\x00" * count +
            b"\x0c\x00\x0b" + b"\x1a" * (WIDE + 1) + b"\x0b")
    return [body(code, [(1, I32)])]


def wide_br_if_moved(scale):
    # The same with one more value in the block, below the label's: the
    # values are in their homes, one slot above the label's, so every
    # branch moves all 1,000.
    count = max(1, round(2000 * scale))
    code = (b"\x41\x00\x02\x01" + b"\x41\x00" * (WIDE + 1) + b"\x20\x00\x0d\x00" * count +
            b"\x0c\x00\x0b" + b"\x1a" * (WIDE + 1) + b"\x0b")
    return [body(code, [(1, I32)])]


def wide_return_if(scale):
    # br_ifs to the function's own label (a return of 1,000 results), in a
    # function of type 1 called by one that drops its results.
    count = max(1, round(2000 * scale))
    code = b"\x41\x00" * WIDE + b"\x20\x00\x0d\x00" * count + b"\x0b"
    caller = body(b"\x10\x00" + b"\x1a" * WIDE + b"\x0b")
    return [body(code, [(1, I32)]), caller]


ELEM_ITEMS_LIMIT = 10_000_000


def elem_funcs(scale):
    """A passive segment of function indices (flags 1, kind 0), each 1 byte."""
    count = min(ELEM_ITEMS_LIMIT, round(ELEM_ITEMS_LIMIT * scale))
    return vec([b"\x01\x00" + leb(count) + b"\x00" * count])


def elem_exprs(scale):
    """A passive segment of `ref.func 0` expressions (flags 5), 3 bytes each."""
    count = min(ELEM_ITEMS_LIMIT, round(ELEM_ITEMS_LIMIT / 3 * scale))
    return vec([b"\x05\x70" + leb(count) + b"\xd2\x00\x0b" * count])


TYPES_LIMIT = 1_000_000


def distinct_types(scale):
    """Function types of 17 params each, i32 or i64 by the bits of the
    type's number (all distinct), no results."""
    count = min(TYPES_LIMIT - 1, round((TYPES_LIMIT - 1) * scale))
    return [b"\x60" + leb(17) + bytes(I32 if k >> b & 1 else 0x7E for b in range(17)) + b"\x00"
            for k in range(count)]


def deep_stack_blocks(scale):
    # 1.27M constants left on the stack, then as many empty blocks over
    # them: each block's start once looked at every value below it.
    count = (BODY_LIMIT - 16) // 6
    one = body(b"\x41\x00" * count + b"\x02\x40\x0b" * count + b"\x1a" * count + b"\x0b")
    return functions_filling(7.6e6 * scale, one)


def local_tees(scale):
    # Reads of a local left on the stack, then as many local.tee of it:
    # each once looked at the whole stack for reads to materialise.
    count = (BODY_LIMIT - 16) // 5
    one = body(b"\x20\x00" * count + b"\x22\x00" * count + b"\x1a" * count + b"\x0b", [(1, I32)])
    return functions_filling(7.6e6 * scale, one)


def many_locals(scale):
    one = body(b"\x0b", [(LOCALS_LIMIT, I32)])
    return functions_filling(2e6 * scale, one)


def local_groups(scale):
    # 50,000 groups of one local each, alternating i32/i64, each read once.
    types = [I32, 0x7E]
    groups = [(1, types[i % 2]) for i in range(LOCALS_LIMIT)]
    code = b"".join(b"\x20" + leb(i) + b"\x1a" for i in range(LOCALS_LIMIT)) + b"\x0b"
    return [body(code, groups)] * max(1, round(10 * scale))


def big_wat_text(scale):
    """Ordinary functions in the text format: arithmetic, locals, calls,
    folded and flat instructions, nested blocks and a loop."""
    func = """  (func $f{i} (param $a i32) (param $b i32) (result i32)
    (local $t i32) (local $u i64)
    (local.set $t (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const {i}))))
    (block $out
      (loop $top
        local.get $t
        i32.const 1
        i32.sub
        local.tee $t
        i32.eqz
        br_if $out
        (local.set $u (i64.add (local.get $u) (i64.extend_i32_u (local.get $t))))
        br $top))
    (if (result i32) (i32.lt_u (local.get $a) (i32.const 100))
      (then (i32.wrap_i64 (local.get $u)))
      (else (call $f{prev} (local.get $b) (i32.const 2)))))
"""
    target = 40e6 * scale
    parts = ["(module\n", "  (func (export \"_start\") (drop (call $f0 (i32.const 1) (i32.const 2))))\n"]
    size, i = 0, 0
    while size < target:
        text = func.format(i=i, prev=max(0, i - 1))
        parts.append(text)
        size += len(text)
        i += 1
    parts.append(")\n")
    return "".join(parts)


# Inputs whose _start calls only their first function.
CALL_ONE = {"many_locals"}

BINARY_INPUTS = {
    "nested_blocks": nested_blocks,
    "nested_results": nested_results,
    "nested_mixed": nested_mixed,
    "br_tables": br_tables,
    "many_locals": many_locals,
    "local_groups": local_groups,
    "wide_br_if": wide_br_if,
    "wide_br_if_moved": wide_br_if_moved,
    "wide_return_if": wide_return_if,
    "deep_stack_blocks": deep_stack_blocks,
    "local_tees": local_tees,
}
EXTRA_TYPES = {name: [wide_type()] for name in ("wide_br_if", "wide_br_if_moved", "wide_return_if")}
FUNC_TYPES = {"wide_return_if": [1, 0]}
# Inputs that are one empty function plus an element section.
ELEMENT_INPUTS = {"elem_funcs": elem_funcs, "elem_exprs": elem_exprs}
# Inputs that are one empty function plus many types.
TYPE_INPUTS = {"many_types": distinct_types}


def input_path(directory, name):
    return os.path.join(directory, name + (".wat" if name == "big_wat" else ".wasm"))


def write_inputs(directory, scale, names):
    for name, make in BINARY_INPUTS.items():
        if name in names:
            with open(input_path(directory, name), "wb") as f:
                f.write(module(make(scale), 1 if name in CALL_ONE else None, EXTRA_TYPES.get(name, ()),
                               FUNC_TYPES.get(name)))
    for name, make in ELEMENT_INPUTS.items():
        if name in names:
            with open(input_path(directory, name), "wb") as f:
                f.write(module([body(b"\x0b")], elements=make(scale)))
    for name, make in TYPE_INPUTS.items():
        if name in names:
            with open(input_path(directory, name), "wb") as f:
                f.write(module([body(b"\x0b")], extra_types=make(scale)))
    if "big_wat" in names:
        with open(input_path(directory, "big_wat"), "w") as f:
            f.write(big_wat_text(scale))


# ---- measuring ------------------------------------------------------------
def run_measured(argv, as_limit_bytes):
    """Wall seconds, CPU seconds (user + system), peak RSS in KiB and exit
    status of one process, run under an address-space limit (so a blow-up
    fails instead of taking the machine)."""
    # Through prlimit, not a preexec_fn: a forked copy of this Python (which
    # held the inputs) would count in the child's ru_maxrss.
    start = time.monotonic()
    proc = subprocess.Popen(["prlimit", f"--as={as_limit_bytes}"] + argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace").strip()
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status), err


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=os.path.join(ROOT, "build", "tools", "mywasm"))
    ap.add_argument("--tiers", default="interp,jit")
    ap.add_argument("--scale", type=float, default=1.0, help="input sizes relative to the defaults")
    ap.add_argument("-k", action="append", help="only these inputs (repeatable)")
    ap.add_argument("--as-limit-gb", type=float, default=6.0,
                    help="address-space limit of each run, so a blow-up fails instead of taking the machine (the inputs declare no memory)")
    ap.add_argument("--write-inputs", metavar="DIR", help=argparse.SUPPRESS)  # (see below)
    args = ap.parse_args()
    names = args.k or list(BINARY_INPUTS) + list(ELEMENT_INPUTS) + list(TYPE_INPUTS) + ["big_wat"]
    if args.write_inputs:
        write_inputs(args.write_inputs, args.scale, names)
        return 0

    print(f"{'input':15} {'tier':6} {'MB in':>6} {'wall s':>7} {'CPU s':>7} {'MB RSS':>8} {'CPU s/MB':>8} {'RSS/MB':>7}  status")
    with tempfile.TemporaryDirectory() as tmp:
        # Written by another process: the kernel carries the RSS high-water
        # mark of the process that execs into each run's ru_maxrss, so this
        # one must stay small (having built the inputs, it added some 80 MB).
        subprocess.run([sys.executable, __file__, "--write-inputs", tmp, "--scale", str(args.scale)] +
                       [arg for name in names for arg in ("-k", name)], check=True)
        for name in names:
            path = input_path(tmp, name)
            mb = os.path.getsize(path) / 1e6
            for tier in args.tiers.split(","):
                wall, cpu, rss_kib, code, err = run_measured([args.mywasm, "run", "--tier", tier, path],
                                                      int(args.as_limit_gb * 2**30))
                rss_mb = rss_kib * 1024 / 1e6
                status = "ok" if code == 0 else f"exit {code}: {err.splitlines()[-1] if err else ''}"
                print(f"{name:15} {tier:6} {mb:6.2f} {wall:7.2f} {cpu:7.2f} {rss_mb:8.1f} {cpu / mb:8.3f} {rss_mb / mb:7.1f}"
                      f"  {status}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
