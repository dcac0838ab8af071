// mywasm driven as an OCI runtime, verb by verb, as containerd's runc shim
// drives it: create leaves a process waiting, start runs the guest, the
// exit status reaches the reaper, kill and delete behave as runc's.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "oci_fixture.hpp"

namespace mywasm_test {
namespace {

using nlohmann::json;

// Reads "port N" from the guest's output.
int listening_port(const std::string& output) {
  const size_t at = output.find("port ");
  return at == std::string::npos ? -1 : std::atoi(output.c_str() + at + 5);
}

TEST_F(OciTest, CreateWaitsStartRunsStateFollowsDeleteRemoves) {
  const fs::path b = bundle("hello", {{"hello.wasm", program("hello")}}, process({"/hello.wasm"}));
  ASSERT_EQ(create(b, "c1").status, 0) << slurp(dir_ / "create.err");
  const int pid = pid_of("c1");
  json st = state("c1");
  EXPECT_EQ(st["status"], "created");
  EXPECT_EQ(st["pid"], pid);
  EXPECT_EQ(st["id"], "c1");
  EXPECT_EQ(st["bundle"], b.string());
  EXPECT_EQ(guest_output(), "");  // nothing runs before start

  EXPECT_EQ(runtime("start c1").status, 0);
  EXPECT_EQ(wait_exit(pid), 0);
  EXPECT_EQ(guest_output(), "你好,Docker+Wasm!\n");
  st = state("c1");
  EXPECT_EQ(st["status"], "stopped");
  EXPECT_EQ(st["pid"], 0);
  EXPECT_EQ(runtime("start c1").status, 1);  // only a created container starts

  EXPECT_EQ(runtime("delete c1").status, 0);
  const Outcome gone = runtime("state c1");
  EXPECT_EQ(gone.status, 1);
  EXPECT_NE(gone.err.find("container 'c1' does not exist"), std::string::npos) << gone.err;
}

TEST_F(OciTest, GuestGetsArgsEnvCwdRootfsAndBindMounts) {
  fs::create_directories(dir_ / "rw");
  fs::create_directories(dir_ / "ro");
  std::ofstream(dir_ / "ro" / "in.txt") << "from the host";
  json config = process({"/probe.wasm", "write:/out.txt:hi", "write:/rw/x:rw", "write:/ro/x:ro", "read:/ro/in.txt"},
                        {"PROBE_EXIT=7", "GREETING=hello"}, "/work");
  config["mounts"] = {
      {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
      {{"destination", "/rw"}, {"type", "bind"}, {"source", (dir_ / "rw").string()}, {"options", {"rbind", "rw"}}},
      {{"destination", "/ro"}, {"type", "bind"}, {"source", (dir_ / "ro").string()}, {"options", {"rbind", "ro"}}}};
  const fs::path b = bundle("probe", {{"probe.wasm", program("oci_probe")}}, config);
  ASSERT_EQ(create(b, "p").status, 0) << slurp(dir_ / "create.err");
  ASSERT_EQ(runtime("start p").status, 0);
  EXPECT_EQ(wait_exit(pid_of("p")), 7);  // the guest's own exit status
  const std::string out = guest_output();
  EXPECT_NE(out.find("arg 0: /probe.wasm\narg 1: write:/out.txt:hi\n"), std::string::npos) << out;
  EXPECT_NE(out.find("env GREETING=hello\nenv PROBE_EXIT=7\nenv PWD=/work\n"), std::string::npos) << out;
  EXPECT_NE(out.find("wrote /out.txt\n"), std::string::npos) << out;
  EXPECT_EQ(slurp(b / "rootfs" / "out.txt"), "hi");
  EXPECT_NE(out.find("wrote /rw/x\n"), std::string::npos) << out;
  EXPECT_EQ(slurp(dir_ / "rw" / "x"), "rw");
  EXPECT_NE(out.find("cannot write /ro/x"), std::string::npos) << out;  // mounted ro
  EXPECT_FALSE(fs::exists(dir_ / "ro" / "x"));
  EXPECT_NE(out.find("/ro/in.txt: from the host\n"), std::string::npos) << out;
}

TEST_F(OciTest, KillStopsARunningServerAndDeleteNeedsForce) {
  const fs::path b = bundle("server", {{"server.wasm", program("sock_http_server")}},
                            process({"/server.wasm", "0"}));
  ASSERT_EQ(create(b, "s").status, 0) << slurp(dir_ / "create.err");
  ASSERT_EQ(runtime("start s").status, 0);
  ASSERT_TRUE(wait_output("port "));
  const int port = listening_port(guest_output());
  EXPECT_EQ(run_shell("curl -s --max-time 5 http://127.0.0.1:" + std::to_string(port) + "/").out, "Hello, World!");
  EXPECT_EQ(state("s")["status"], "running");
  EXPECT_EQ(runtime("ps --format json s").out, "[" + std::to_string(pid_of("s")) + "]\n");

  const Outcome refused = runtime("delete s");
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("not stopped"), std::string::npos) << refused.err;
  EXPECT_EQ(runtime("kill s TERM").status, 0);
  EXPECT_EQ(wait_exit(pid_of("s")), 128 + SIGTERM);
  const Outcome again = runtime("kill s 15");
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("container not running"), std::string::npos) << again.err;
  EXPECT_EQ(runtime("delete s").status, 0);
}

TEST_F(OciTest, DeleteForceKillsARunningContainerAndACreatedOneGoesWithout) {
  const fs::path b = bundle("server", {{"server.wasm", program("sock_http_server")}},
                            process({"/server.wasm", "0"}));
  ASSERT_EQ(create(b, "f").status, 0);
  ASSERT_EQ(runtime("start f").status, 0);
  ASSERT_TRUE(wait_output("port "));
  EXPECT_EQ(runtime("delete --force f").status, 0);
  EXPECT_EQ(wait_exit(pid_of("f")), 128 + SIGKILL);
  EXPECT_FALSE(fs::exists(root_ / "f"));

  const std::string before = guest_output();
  ASSERT_EQ(create(b, "c").status, 0);
  EXPECT_EQ(runtime("delete c").status, 0);  // created, never started: deleted as runc does
  EXPECT_EQ(wait_exit(pid_of("c")), 128 + SIGKILL);
  EXPECT_EQ(guest_output(), before);
}

TEST_F(OciTest, NetworkNamespaceByPathIsJoined) {
  const std::string ns = "mywasm-oci-" + std::to_string(::getpid());
  ASSERT_EQ(run_shell("ip netns add " + ns).status, 0);
  struct Removal {
    std::string ns;
    ~Removal() { std::system(("ip netns del " + ns).c_str()); }
  } removal{ns};
  json config = process({"/server.wasm", "0"});
  config["linux"] = {{"namespaces", {{{"type", "network"}, {"path", "/run/netns/" + ns}}}}};
  const fs::path b = bundle("server", {{"server.wasm", program("sock_http_server")}}, config);
  ASSERT_EQ(create(b, "n").status, 0) << slurp(dir_ / "create.err");
  ASSERT_EQ(runtime("start n").status, 0);
  ASSERT_TRUE(wait_output("port "));
  const std::string url = "http://127.0.0.1:" + std::to_string(listening_port(guest_output())) + "/";
  // The process is in that namespace, and its server answers there (ip
  // netns exec brings the namespace's loopback up first).
  struct stat joined {}, named {};
  ASSERT_EQ(::stat(("/proc/" + std::to_string(pid_of("n")) + "/ns/net").c_str(), &joined), 0);
  ASSERT_EQ(::stat(("/run/netns/" + ns).c_str(), &named), 0);
  EXPECT_EQ(joined.st_ino, named.st_ino);
  EXPECT_EQ(run_shell("ip netns exec " + ns + " sh -c 'ip link set lo up; curl -s --max-time 5 " + url + "'").out,
            "Hello, World!");
  EXPECT_EQ(runtime("delete --force n").status, 0);
}

TEST_F(OciTest, NetworkNamespaceWithoutPathIsANewOneWithLoopbackUp) {
  json config = process({"/server.wasm", "0"});
  config["linux"] = {{"namespaces", {{{"type", "network"}}}}};
  const fs::path b = bundle("server", {{"server.wasm", program("sock_http_server")}}, config);
  ASSERT_EQ(create(b, "n").status, 0) << slurp(dir_ / "create.err");
  const int pid = pid_of("n");
  EXPECT_NE(fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net"), fs::read_symlink("/proc/self/ns/net"));
  ASSERT_EQ(runtime("start n").status, 0);
  ASSERT_TRUE(wait_output("port "));
  const std::string url = "http://127.0.0.1:" + std::to_string(listening_port(guest_output())) + "/";
  EXPECT_EQ(run_shell("nsenter --net=/proc/" + std::to_string(pid) + "/ns/net curl -s --max-time 5 " + url).out,
            "Hello, World!");
  EXPECT_EQ(runtime("delete --force n").status, 0);
}

// A terminal through the console socket: the runtime sends the pty's
// master, the guest writes to the slave.
TEST_F(OciTest, TerminalGoesThroughTheConsoleSocket) {
  const fs::path sock_path = dir_ / "console.sock";
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, sock_path.c_str());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  int master = -1;
  std::thread receiver([&] {
    const int conn = ::accept(listener, nullptr, nullptr);
    char name[128];
    iovec iov{name, sizeof name};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(conn, &msg, 0) > 0 && CMSG_FIRSTHDR(&msg))
      std::memcpy(&master, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof master);
    ::close(conn);
  });
  json config = process({"/hello.wasm"});
  config["process"]["terminal"] = true;
  const fs::path b = bundle("tty", {{"hello.wasm", program("hello")}}, config);
  const Outcome created = create(b, "t", "--console-socket " + sock_path.string());
  receiver.join();
  ::close(listener);
  ASSERT_EQ(created.status, 0) << created.err;
  ASSERT_GE(master, 0);
  ASSERT_EQ(runtime("start t").status, 0);
  EXPECT_EQ(wait_exit(pid_of("t")), 0);
  char buf[256] = {};
  const ssize_t n = ::read(master, buf, sizeof buf - 1);
  ::close(master);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "你好,Docker+Wasm!\r\n");  // the tty's ONLCR
  EXPECT_EQ(guest_output(), "");
  // Without the socket, a terminal bundle is refused.
  const Outcome no_socket = create(b, "t2");
  EXPECT_EQ(no_socket.status, 1);
  EXPECT_NE(no_socket.err.find("--console-socket"), std::string::npos) << no_socket.err;
}

TEST_F(OciTest, NonWasmBundlesAndTheirContainersGoUnchangedToRunc) {
  const fs::path fake_runc = write("fake-runc", "#!/bin/sh\necho \"$@\" >>" + (dir_ / "runc.args").string() + "\n");
  fs::permissions(fake_runc, fs::perms::owner_all);
  std::ofstream(dir_ / "native.sh") << "#!/bin/sh\necho native\n";
  const fs::path b = bundle("native", {{"native", (dir_ / "native.sh").string()}}, process({"/native"}));
  const std::string globals = "--root " + root_.string() + " --log " + (dir_ / "log.json").string() +
                              " --log-format json --systemd-cgroup";
  EXPECT_EQ(run("--runc " + fake_runc.string() + " " + globals + " create --bundle " + b.string() + " n1").status, 0);
  fs::create_directories(root_ / "n1");  // what runc would have made
  EXPECT_EQ(run(globals + " --runc=" + fake_runc.string() + " state n1").status, 0);
  EXPECT_EQ(slurp(dir_ / "runc.args"),
            globals + " create --bundle " + b.string() + " n1\n" + globals + " state n1\n");
}

TEST_F(OciTest, BadInputIsOneClearLineAndADocumentedStatus) {
  struct Case {
    std::string args, message;
    int status;
  };
  const fs::path malformed = dir_ / "malformed";
  fs::create_directories(malformed);
  std::ofstream(malformed / "config.json") << "{\"process\": {\"args\": 5}";
  const fs::path no_args = bundle("noargs", {}, {{"process", {{"args", json::array()}}}});
  const fs::path wrong_type = bundle("wrongtype", {}, {{"process", {{"args", "hello.wasm"}}}});
  const std::vector<Case> cases = {
      {"start nope", "container 'nope' does not exist", 1},
      {"state nope", "container 'nope' does not exist", 1},
      {"kill nope", "container 'nope' does not exist", 1},
      {"delete nope", "container 'nope' does not exist", 1},
      {"state ../x", "invalid container id", 1},
      {"create --bundle " + malformed.string() + " m", "malformed OCI config", 1},
      {"create --bundle " + no_args.string() + " m", "process.args is empty", 1},
      {"create --bundle " + wrong_type.string() + " m", "malformed OCI config", 1},
      {"create --bundle " + (dir_ / "missing").string() + " m", "is not a directory", 1},
      {"create --bogus x", "create: ", 2},
      {"create", "id is required", 2},
      {"kill nope SIGNOPE", "unknown signal 'SIGNOPE'", 2},
      {"frobnicate", "unknown command 'frobnicate'", 2},
  };
  for (const Case& c : cases) {
    const Outcome r = runtime(c.args);
    EXPECT_EQ(r.status, c.status) << c.args;
    EXPECT_EQ(count_lines(r.err), 1) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << ": " << r.err;
  }
  EXPECT_EQ(run("--root").status, 2);
  EXPECT_EQ(run("--root " + root_.string()).status, 2);
  EXPECT_EQ(runtime("delete --force nope").status, 0);  // as runc: nothing to delete is done
}

TEST_F(OciTest, ErrorsGoToTheLogInRuncsJsonFormat) {
  const fs::path log = dir_ / "log.json";
  EXPECT_EQ(run("--root " + root_.string() + " --log " + log.string() + " --log-format json start nope").status, 1);
  const json line = json::parse(slurp(log));
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["msg"], "container 'nope' does not exist");
  EXPECT_TRUE(line.contains("time"));
}

TEST_F(OciTest, IdsAreNotReused) {
  const fs::path b = bundle("hello", {{"hello.wasm", program("hello")}}, process({"/hello.wasm"}));
  ASSERT_EQ(create(b, "dup").status, 0);
  const Outcome again = create(b, "dup");
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(runtime("delete dup").status, 0);
}

TEST_F(OciTest, FeaturesDescribesTheRuntime) {
  const Outcome o = runtime("features");
  ASSERT_EQ(o.status, 0);
  const json f = json::parse(o.out);
  EXPECT_EQ(f["ociVersionMin"], "1.0.0");
  EXPECT_EQ(f["linux"]["namespaces"], json::array({"network"}));
}

}  // namespace
}  // namespace mywasm_test
