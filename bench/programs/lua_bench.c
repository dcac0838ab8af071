/* Lua 5.4 (Debian's source package) running a CPU-bound script: recursion,
 * table building and sorting, string building and pattern matching,
 * closures and floating point. Only the base, table, string and math
 * libraries are opened (the io, os and package ones need a host the guest
 * does not get here). */
#include <stdio.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

static const char* const kScript =
    "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end\n"
    "local t = {}\n"
    "for i = 1, 300000 do t[i] = (i * 7919) % 100003 end\n"
    "table.sort(t)\n"
    "local s = 0\n"
    "for i = 1, #t, 7 do s = s + t[i] end\n"
    "local parts = {}\n"
    "for i = 1, 100000 do parts[#parts + 1] = tostring(i * 3) end\n"
    "local str = table.concat(parts, ',')\n"
    "local count, digits = 0, 0\n"
    "for w in str:gmatch('%d+') do count = count + 1; digits = digits + #w end\n"
    "local function counter() local c = 0; return function() c = c + 1; return c end end\n"
    "local f = counter()\n"
    "for i = 1, 1000000 do f() end\n"
    "local x = 0.0\n"
    "for i = 1, 2000000 do x = x + math.sin(i) * math.sqrt(i) end\n"
    "print(fib(30), s, count, digits, f(), string.format('%.6f', x))\n";

int main(void) {
  lua_State* L = luaL_newstate();
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  lua_settop(L, 0);
  if (luaL_dostring(L, kScript) != LUA_OK) {
    fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lua_close(L);
  return 0;
}
