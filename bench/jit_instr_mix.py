#!/usr/bin/env python3
"""What compiled code executes, by kind of x86-64 instruction, on one program.

Runs `mywasm run --tier jit PROGRAM ARGS...` under callgrind (instruction
counts per address: deterministic, unlike this VM's times) with
MYWASM_PERF_MAP=code, which has the JIT write each function's address
range to /tmp/perf-PID.map and its machine code to /tmp/perf-PID.code/.
Each executed instruction of compiled code is disassembled (objdump) and
counted under a kind: frame loads and stores ([rbx+...], the value-stack
frame), guest memory accesses ([r13+...]), register moves, branches, and
so on. Frame traffic is then split by where it happens:

  loads:  after a label (what a join did not keep in a register), at a
          function's entry (its parameters), after a call, elsewhere;
  stores: before a branch (locals written through, temporaries flushed),
          call arguments (below the callee's frame base, `lea rdi`),
          before a return, elsewhere.

`--functions N` also lists the N functions that execute the most
compiled instructions, each with its frame loads after a label and its
stores before a branch.

  bench/jit_instr_mix.py [--mywasm build/tools/mywasm] [--top 20] [--functions N] -- PROGRAM.wasm ARGS...

Needs valgrind and objdump. A run takes 30-100x the program's time.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAME = r"PTR \[rbx(?:\+0x([0-9a-f]+))?\]"


def run_callgrind(mywasm, program):
    """Per-address instruction counts of one run, and the run's pid."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = dict(os.environ, MYWASM_PERF_MAP="code")
        proc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--smc-check=all-non-file", "--dump-instr=yes",
             f"--callgrind-out-file={out}", mywasm, "run", "--tier", "jit", *program],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc.wait()
        return read_costs(out), proc.pid


def read_costs(path):
    """Self cost per instruction address (callgrind's compressed positions)."""
    cost = collections.Counter()
    last = 0
    call_line = False
    with open(path) as f:
        for line in f:
            if not line or line[0] not in "0123456789+-*":
                call_line = line.startswith("calls=")
                continue
            parts = line.split()
            pos = parts[0]
            if pos.startswith("0x"):
                addr = int(pos, 16)
            elif pos[0] in "+-":
                addr = last + int(pos)
            elif pos == "*":
                addr = last
            else:
                addr = int(pos)
            last = addr
            if call_line:  # (the inclusive cost of a call: not this instruction's)
                call_line = False
                continue
            cost[addr] += int(parts[2]) if len(parts) > 2 else 0
    return cost


def functions(pid):
    """(start, size, name) of each compiled function, with its code."""
    out = []
    for line in Path(f"/tmp/perf-{pid}.map").read_text().splitlines():
        start, size, name = line.split(" ", 2)
        out.append((int(start, 16), int(size, 16), name))
    return sorted(out)


def disassemble(pid, start):
    code = Path(f"/tmp/perf-{pid}.code/{start:x}.bin")
    text = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel",
                           f"--adjust-vma={start:#x}", str(code)], capture_output=True, text=True).stdout
    out = []
    for line in text.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)", line)
        if m:
            out.append((int(m.group(1), 16), re.sub(r"\s+", " ", m.group(2).strip())))
    return out


def kind(ins):
    op, _, args = ins.partition(" ")
    if op in ("mov", "movzx", "movsxd", "movsx", "movsd", "movss", "movups", "movq", "movd"):
        if re.match(r"^\w+,(0x[0-9a-f]+|-?\d+)$", args):
            return "constant into register"
        if re.match(r"^\w+,\w+$", args):
            return "register move"
        if re.search(FRAME, args):
            return "frame store" if re.match(r"^\w* ?PTR \[rbx", args) else "frame load"
        if "[r13" in args:
            return "guest store" if re.match(r"^\w* ?PTR \[r13", args) else "guest load"
        if "[r12" in args:
            return "context access"
        return "other memory move"
    if op == "movabs":
        return "constant into register"
    if op.startswith("j"):
        return "jmp" if op == "jmp" else "conditional branch"
    if op in ("cmp", "test"):
        return "compare with frame" if re.search(FRAME, args) else "compare"
    if op in ("push", "pop", "ret", "call", "lea", "nop"):
        return op
    if re.search(FRAME, args):
        return op + " on frame"
    return op


def frame_slot(ins):
    m = re.search(FRAME, ins)
    return int(m.group(1), 16) if m and m.group(1) else 0


def classify(ins_list, cost, loads, stores):
    """Adds this function's frame loads and stores to the tallies by place."""
    targets = set()
    for _, ins in ins_list:
        m = re.match(r"j\w* 0x([0-9a-f]+)", ins)
        if m:
            targets.add(int(m.group(1), 16))
    boundary = "at entry"
    for i, (addr, ins) in enumerate(ins_list):
        if addr in targets:
            boundary = "after a label"
        if ins == "push rbx":
            boundary = "at entry"
        n = cost.get(addr, 0)
        k = kind(ins)
        if n and k == "frame load":
            loads[boundary] += n
        elif n and k == "frame store":
            stores[why_store(ins_list, i)] += n
        if "call" in ins:
            boundary = "after a call"
        elif ins.startswith(("jmp", "ret")):
            boundary = "elsewhere"  # (code only a jump reaches that this scan did not see)


def why_store(ins_list, i):
    slot = frame_slot(ins_list[i][1])
    for _, ins in ins_list[i + 1:i + 13]:
        m = re.match(r"lea rdi,\[rbx\+0x([0-9a-f]+)\]", ins)
        if m:
            return "call argument" if slot >= int(m.group(1), 16) else "before a call"
        if ins in ("pop rbx", "ret"):
            return "before a return"
        if ins.startswith("j"):
            return "before a branch"
        if "call" in ins:
            return "before a call"
    return "elsewhere"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mywasm", default=str(ROOT / "build/tools/mywasm"))
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--functions", type=int, default=0)
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    program = args.program[1:] if args.program[:1] == ["--"] else args.program
    if not program:
        sys.exit("usage: jit_instr_mix.py [--mywasm M] -- PROGRAM.wasm ARGS...")
    cost, pid = run_callgrind(args.mywasm, program)
    total = sum(cost.values())
    kinds, loads, stores = collections.Counter(), collections.Counter(), collections.Counter()
    compiled = 0
    per_function = []  # (instructions, name, loads after a label, stores before a branch)
    for start, size, name in functions(pid):
        ins_list = disassemble(pid, start)
        own = sum(cost.get(addr, 0) for addr, _ in ins_list)
        if not own:
            continue
        for addr, ins in ins_list:
            kinds[kind(ins)] += cost.get(addr, 0)
        compiled += own
        own_loads, own_stores = collections.Counter(), collections.Counter()
        classify(ins_list, cost, own_loads, own_stores)
        loads.update(own_loads)
        stores.update(own_stores)
        per_function.append((own, name, own_loads["after a label"], own_stores["before a branch"]))
    print(f"{total / 1e6:.0f}M instructions, {compiled / 1e6:.0f}M in compiled code")
    for name, n in kinds.most_common(args.top):
        print(f"  {n / 1e6:10.1f}M {100 * n / compiled:5.1f}%  {name}")
    for title, tally in (("frame loads", loads), ("frame stores", stores)):
        print(f"{title}: " + ", ".join(f"{where} {n / 1e6:.0f}M" for where, n in tally.most_common()))
    if args.functions:
        print(f"{'function':40} {'instructions':>12} {'loads after a label':>20} {'stores before a branch':>23}")
        for own, name, label_loads, branch_stores in sorted(per_function, reverse=True)[:args.functions]:
            print(f"{name[-40:]:40} {own / 1e6:11.1f}M {label_loads / 1e6:19.1f}M {branch_stores / 1e6:22.1f}M")
    Path(f"/tmp/perf-{pid}.map").unlink(missing_ok=True)
    shutil.rmtree(f"/tmp/perf-{pid}.code", ignore_errors=True)


if __name__ == "__main__":
    main()
