// Context creation (stdio + preopens) and registration of every function.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "host_call.hpp"
#include "mywasm/wasi.hpp"
#include "net.hpp"
#include "unique_fd.hpp"

namespace mywasm::wasi {
namespace {

constexpr const char* kModule = "wasi_snapshot_preview1";

FuncType signature(const FunctionSpec& spec) {
  FuncType type;
  for (const char* p = spec.params; *p; ++p) type.params.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
  if (spec.returns_errno) type.results.push_back(ValType::I32);
  return type;
}

Error config_error(std::string message) {
  Error e;
  e.kind = Error::Kind::Other;
  e.message = std::move(message);
  return e;
}

// --tcplisten: a bound, listening TCP socket for the guest to accept on.
Result<std::unique_ptr<FdEntry>> listen_tcp(const std::string& spec, bool nodelay) {
  auto addr = parse_socket_address(spec);
  if (!addr) return config_error("--tcplisten " + spec + ": expected IP:PORT");
  int host = ::socket(addr->family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (host < 0) return config_error("--tcplisten " + spec + ": " + std::strerror(errno));
  UniqueFd owner(host);
  int one = 1;
  ::setsockopt(host, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  set_tcp_defaults(host, nodelay);
  if (::bind(host, addr->get(), addr->len) != 0 || ::listen(host, SOMAXCONN) != 0)
    return config_error("--tcplisten " + spec + ": " + std::strerror(errno));
  auto entry = describe_host_fd(owner.release(), /*owns=*/true);
  return entry;
}

}  // namespace

std::optional<std::string> net_policy_error(const std::vector<std::string>& allow,
                                            const std::vector<std::string>& deny) {
  std::string why;
  if (NetPolicy::parse(allow, deny, false, &why)) return std::nullopt;
  return why;
}

Context::Context(std::unique_ptr<ContextImpl> impl) : impl_(std::move(impl)) {}
Context::~Context() = default;

Result<std::unique_ptr<Context>> Context::create(Config config) {
  std::string why;
  auto policy = NetPolicy::parse(config.net_allow, config.net_deny, config.allow_dns, &why);
  if (!policy) return config_error(why);
  auto impl = std::make_unique<ContextImpl>(config, std::move(*policy));
  FdTable& fds = impl->fds();

  const int stdio[3] = {config.stdin_fd, config.stdout_fd, config.stderr_fd};
  for (abi::Fd fd = 0; fd < 3; ++fd) {
    try {
      fds.insert_at(fd, describe_host_fd(stdio[fd], /*owns=*/false));
    } catch (const WasiError&) {
      // A closed host stdio stream is /dev/null for the guest (as in
      // Wasmtime): its number stays taken, so the guest's first opened
      // file can never become its stdout.
      int null_fd = ::open("/dev/null", (fd == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
      if (null_fd < 0) return config_error(std::string("cannot open /dev/null: ") + std::strerror(errno));
      fds.insert_at(fd, describe_host_fd(null_fd, /*owns=*/true));
    }
  }

  abi::Fd next = 3;
  for (const std::string& spec : config.tcplisten) {
    auto listener = listen_tcp(spec, config.tcp_nodelay);
    if (!listener) return listener.error();
    fds.insert_at(next++, std::move(listener.value()));
  }
  for (const Preopen& p : config.preopens) {
    int host = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host < 0)
      return config_error("cannot preopen directory '" + p.host_path + "': " + std::strerror(errno));
    auto entry = std::make_unique<FdEntry>();
    entry->kind = FdKind::Directory;
    entry->host_fd = host;
    entry->filetype = abi::kFiletypeDirectory;
    entry->preopen_path = p.guest_path;
    struct stat st {};
    if (::fstat(host, &st) == 0) entry->sandbox_root = {uint64_t(st.st_dev), uint64_t(st.st_ino)};
    entry->rights_base = abi::right::kDirectory;
    entry->rights_inheriting = abi::right::kAll;
    if (p.readonly) {
      entry->rights_base &= ~abi::right::kMutating;
      entry->rights_inheriting &= ~abi::right::kMutating;
    }
    fds.insert_at(next++, std::move(entry));
  }
  return std::unique_ptr<Context>(new Context(std::move(impl)));
}

namespace {

// Defines the wasi_snapshot_preview1 functions for which wanted(spec) holds.
template <class Wanted>
void define_functions(ContextImpl* impl, Store& store, Linker& linker, Wanted wanted) {
  for (auto group : {args_env_functions(), clock_random_functions(), fd_functions(), path_functions(),
                     poll_functions(), proc_functions(), sock_functions()}) {
    for (const FunctionSpec& spec : group) {
      if (!wanted(spec)) continue;
      linker.define_func(
          store, kModule, spec.name, signature(spec),
          [impl, &spec](Caller& caller, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
            GuestMemory mem;
            if (auto memory = caller.memory())
              mem = GuestMemory(memory->data(caller.store()), memory->size_bytes(caller.store()));
            HostCall call{*impl, mem, args, std::nullopt};
            Errno code = Errno::Success;
            try {
              spec.handler(call);
              code = call.status;
            } catch (const WasiError& e) {
              code = e.code;
            } catch (const std::bad_alloc&) {
              code = Errno::NoMem;
            }
            if (call.trap) return call.trap;
            if (!results.empty()) results[0] = Value::i32(static_cast<int32_t>(code));
            return std::nullopt;
          });
    }
  }
}

}  // namespace

void Context::add_to_linker(Store& store, Linker& linker) {
  define_functions(impl_.get(), store, linker, [](const FunctionSpec&) { return true; });
}

void Context::add_imports_to_linker(Store& store, Linker& linker, const mywasm::Module& module) {
  std::vector<std::string> imported;
  for (const ImportDesc& imp : module.imports())
    if (imp.module == kModule) imported.push_back(imp.name);  // (any kind: a wrong one fails as before)
  define_functions(impl_.get(), store, linker, [&](const FunctionSpec& spec) {
    return std::find(imported.begin(), imported.end(), spec.name) != imported.end();
  });
}

}  // namespace mywasm::wasi
