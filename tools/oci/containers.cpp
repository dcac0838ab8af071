#include "containers.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "bundle.hpp"
#include "failure.hpp"
#include "files.hpp"
#include "process_setup.hpp"
#include "state.hpp"

namespace mywasm::oci {

namespace {

// Parses a verb's words with CLI11. Returns false when help was printed.
bool parse_verb(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 consumes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return false;
  } catch (const CLI::ParseError& e) {
    throw Failure(fmt::format("{}: {}", app.get_name(), e.what()), kExitUsage);
  }
  return true;
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0 && errno != EINTR) return;
    if (n > 0) text.remove_prefix(static_cast<size_t>(n));
  }
}

std::string read_all(int fd) {
  std::string text;
  char buf[512];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

// ------------------------------------------------------------------ create

struct ProcessPlan {
  const Bundle& bundle;
  int module_fd;
  int tty;  // -1: the guest keeps the stdio it was handed
  std::string exec_fifo;
};

// The container's process: set up, say "ok" (or why not) on `ready_fd`,
// wait for `start` on the exec fifo, then run the guest and exit with its
// status, so whoever reaps it (the shim) sees the guest's exit.
[[noreturn]] void container_process(const ProcessPlan& plan, int ready_fd, const RunGuest& run_guest) {
  try {
    ::setsid();
    if (plan.tty >= 0) use_terminal(plan.tty);
    close_other_fds({plan.module_fd, ready_fd});
    enter_network_namespace(plan.bundle.netns_path, plan.bundle.new_netns);
    if (::chdir("/") != 0) fail("cannot change to '/': {}", std::strerror(errno));
  } catch (const Failure& e) {
    write_all(ready_fd, e.what());
    ::_exit(kExitFailed);
  }
  write_all(ready_fd, "ok");
  ::close(ready_fd);
  const int fifo = ::open(plan.exec_fifo.c_str(), O_WRONLY | O_CLOEXEC);  // blocks until `start`
  if (fifo < 0) ::_exit(kExitFailed);
  write_all(fifo, "0");
  ::close(fifo);
  std::exit(run_guest(guest_of(plan.bundle, plan.module_fd)));
}

// Forks the container's process; returns its pid once it is set up.
int spawn_container_process(const ProcessPlan& plan, const RunGuest& run_guest) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) fail("pipe: {}", std::strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) fail("fork: {}", std::strerror(errno));
  if (pid == 0) {
    ::close(ready[0]);
    container_process(plan, ready[1], run_guest);
  }
  ::close(ready[1]);
  const std::string reply = read_all(ready[0]);
  ::close(ready[0]);
  if (reply != "ok") {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    fail("{}", reply.empty() ? "the container process ended during setup" : reply);
  }
  return pid;
}

struct CreateOptions {
  std::string bundle = ".";
  std::string pid_file, console_socket, id;
};

int create_wasm_container(const CommandLine& cl, const CreateOptions& o, const Bundle& bundle,
                          const RunGuest& run_guest) {
  StateStore::check_id(o.id);
  if (bundle.terminal && o.console_socket.empty()) fail("process.terminal is set but no --console-socket was given");
  const int module_fd = open_entry_module(bundle);
  const StateStore store(cl.root);
  store.create_dir(o.id);
  try {
    const int tty = bundle.terminal ? open_console(o.console_socket) : -1;
    ProcessPlan plan{bundle, module_fd, tty, store.exec_fifo_of(o.id)};
    const int pid = spawn_container_process(plan, run_guest);
    if (tty >= 0) ::close(tty);
    ContainerState state{o.id, pid, process_start_time(pid), bundle.dir, bundle.rootfs, rfc3339_now(), bundle.annotations};
    store.save(state);
    if (!o.pid_file.empty()) write_text_atomic(o.pid_file, std::to_string(pid));
  } catch (const Failure&) {
    store.remove(o.id);
    throw;
  }
  return 0;
}

int create(const CommandLine& cl, const RunGuest& run_guest) {
  CreateOptions o;
  int preserve_fds = 0;
  bool unused = false;
  CLI::App app{"Create a container from an OCI bundle; it runs on 'start'.", "create"};
  app.add_option("-b,--bundle", o.bundle, "The bundle directory (config.json, rootfs)");
  app.add_option("--pid-file", o.pid_file, "Write the container process's pid here");
  app.add_option("--console-socket", o.console_socket, "Unix socket that receives the terminal (process.terminal)");
  app.add_flag("--no-pivot,--no-new-keyring", unused, "Accepted for runc compatibility");
  app.add_option("--preserve-fds", preserve_fds, "Accepted for runc compatibility");
  app.add_option("id", o.id, "Container id")->required();
  if (!parse_verb(app, cl.verb_args)) return 0;
  const Bundle bundle = load_bundle(o.bundle);
  if (!is_wasm(bundle)) delegate_to_runc(cl);
  return create_wasm_container(cl, o, bundle, run_guest);
}

// ------------------------------------------------------------------ the others

// Throws unless a Wasm container `id` exists; a runc container of that id is
// handed to runc (this does not return then).
ContainerState wasm_container(const CommandLine& cl, const std::string& id) {
  const StateStore store(cl.root);
  StateStore::check_id(id);
  if (!store.is_wasm_container(id) && store.exists(id)) delegate_to_runc(cl);
  return store.load(id);
}

int start(const CommandLine& cl, const std::string& id) {
  const StateStore store(cl.root);
  const ContainerState st = wasm_container(cl, id);
  if (const Status s = store.status(st); s != Status::Created)
    fail("cannot start container '{}': it is {}", id, status_name(s));
  const std::string fifo_path = store.exec_fifo_of(id);
  const int fifo = ::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0) fail("cannot open '{}': {}", fifo_path, std::strerror(errno));
  for (;;) {  // the waiting process writes one byte once it sees us
    pollfd p{fifo, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char byte;
      if (::read(fifo, &byte, 1) == 1) break;
      if (p.revents & POLLHUP) fail("container '{}' did not start", id);
    }
    if (process_start_time(st.pid) != st.pid_start_time) fail("container '{}' exited before it was started", id);
  }
  ::close(fifo);
  ::unlink(fifo_path.c_str());
  return 0;
}

int parse_signal(const std::string& name) {
  if (name.empty()) return SIGTERM;
  if (std::all_of(name.begin(), name.end(), ::isdigit)) {
    const int n = std::atoi(name.c_str());
    if (n > 0 && n < NSIG) return n;
  }
  const std::string bare = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  for (int sig = 1; sig < NSIG; ++sig)
    if (const char* abbrev = ::sigabbrev_np(sig); abbrev && bare == abbrev) return sig;
  throw Failure(fmt::format("unknown signal '{}'", name), kExitUsage);
}

int kill(const CommandLine& cl, const std::string& id, const std::string& signal_name) {
  const int sig = parse_signal(signal_name);
  const ContainerState st = wasm_container(cl, id);
  // "container not running" is the phrase the runc shim looks for.
  if (StateStore(cl.root).status(st) == Status::Stopped) fail("cannot kill container '{}': container not running", id);
  if (::kill(st.pid, sig) != 0) fail("cannot kill container '{}': {}", id, std::strerror(errno));
  return 0;
}

int remove_container(const CommandLine& cl, const std::string& id, bool force) {
  const StateStore store(cl.root);
  StateStore::check_id(id);
  if (!store.is_wasm_container(id) && !store.exists(id) && force) return 0;  // as runc: nothing to delete
  const ContainerState st = wasm_container(cl, id);
  const Status status = store.status(st);
  if (status == Status::Running && !force)
    fail("cannot delete container '{}' that is not stopped: running (use --force)", id);
  if (status != Status::Stopped) {  // a created one is deleted without --force, as runc does
    ::kill(st.pid, SIGKILL);
    for (int i = 0; i < 1000 && process_start_time(st.pid) == st.pid_start_time; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  store.remove(id);
  return 0;
}

int ps(const CommandLine& cl, const std::string& id, const std::string& format) {
  const ContainerState st = wasm_container(cl, id);
  const bool live = StateStore(cl.root).status(st) != Status::Stopped;
  if (format == "json")
    fmt::print("{}\n", live ? nlohmann::json::array({st.pid}).dump() : "[]");
  else
    fmt::print("PID\n{}", live ? std::to_string(st.pid) + "\n" : "");
  return 0;
}

int features() {
  const nlohmann::json f = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.0.2"},
      {"hooks", nlohmann::json::array()},
      {"mountOptions", {"bind", "rbind", "ro", "rw"}},
      {"linux", {{"namespaces", {"network"}}}},
      {"annotations",
       {{"module.wasm.image/variant", "compat, compat-smart: run as Wasm"}, {"run.oci.handler", "wasm: run as Wasm"}}}};
  fmt::print("{}\n", f.dump(2));
  return 0;
}

}  // namespace

int run_verb(const CommandLine& cl, const RunGuest& run_guest) {
  if (cl.verb == "create") return create(cl, run_guest);
  std::string id, signal, format = "table";
  bool force = false, all = false;
  CLI::App app{"", cl.verb};
  if (cl.verb == "features") {
    if (!parse_verb(app, cl.verb_args)) return 0;
    return features();
  }
  app.add_option("id", id, "Container id")->required();
  if (cl.verb == "kill") {
    app.add_option("signal", signal, "Signal name or number (default SIGTERM)");
    app.add_flag("-a,--all", all, "Signal every process of the container (a Wasm container has one)");
  }
  if (cl.verb == "delete") app.add_flag("-f,--force", force, "Kill the container first if it still runs");
  if (cl.verb == "ps") app.add_option("-f,--format", format, "table or json");
  if (!parse_verb(app, cl.verb_args)) return 0;
  if (cl.verb == "start") return start(cl, id);
  if (cl.verb == "state") {
    const ContainerState st = wasm_container(cl, id);
    fmt::print("{}\n", oci_state_json(st, StateStore(cl.root).status(st)));
    return 0;
  }
  if (cl.verb == "kill") return kill(cl, id, signal);
  if (cl.verb == "delete") return remove_container(cl, id, force);
  return ps(cl, id, format);
}

int runc_only_verb(const CommandLine& cl) {
  const StateStore store(cl.root);
  for (const std::string& word : cl.verb_args)
    if (word[0] != '-' && word.find('/') == std::string::npos && store.is_wasm_container(word))
      fail("'{}' is not supported for Wasm containers", cl.verb);
  delegate_to_runc(cl);
}

}  // namespace mywasm::oci
