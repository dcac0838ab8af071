#!/usr/bin/env bash
# libmywasm.so exports the public API only: wasm.h's functions (every one
# it declares), wasm.hh's classes (namespace wasm) and the mywasm:: C++
# API, nothing of the engine's insides or of the libraries it contains
# (asmjit, fmt, std).
# usage: symbols_test.sh LIBRARY WASM_H
set -euo pipefail
lib=$1 header=$2
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)

# Every symbol is wasm_*, or a C++ symbol of the public classes.
public='^(wasm::|mywasm::(Value|Error|Engine|Module|Store|Caller|Func|Memory|Table|Global|Instance|Linker|Watchdog)::|mywasm::(wat_to_wasm|to_string|printable)(\[abi:cxx11\])?\(|mywasm::wasi::(Context::|net_policy_error\())'
bad=$(grep -v '^wasm_' <<<"$exported" | grep -v '^MYWASM_' | c++filt | grep -Ev "$public" || true)
if [ -n "$bad" ]; then echo "exported but not public API:"; echo "$bad"; exit 1; fi

# Every function wasm.h declares is there.
declared=$(cc -E -x c "$header" | grep -o 'visibility("default"))) [^(]*\bwasm_[a-z0-9_]*(' \
           | grep -o 'wasm_[a-z0-9_]*(' | tr -d '(' | sort -u)
missing=$(comm -23 <(echo "$declared") <(grep '^wasm_' <<<"$exported") || true)
if [ -n "$missing" ]; then echo "declared in wasm.h, not exported:"; echo "$missing"; exit 1; fi
# wasm.hh's classes are there (a sample of their members).
cpp=$(c++filt <<<"$exported")
for f in 'wasm::Engine::make(' 'wasm::Func::call(' 'wasm::Instance::make(' 'wasm::Trap::trace()' \
         'wasm::Shared<wasm::Module>::operator delete(' 'wasm::Ref::operator delete('; do
  grep -qF "$f" <<<"$cpp" || { echo "wasm.hh's $f is not exported"; exit 1; }
done
echo "$(wc -l <<<"$declared") wasm.h functions, $(grep -vc '^wasm_' <<<"$exported") C++ symbols exported; nothing else"
