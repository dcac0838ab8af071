// The state of Wasm containers under the runtime's --root, one directory
// per container as runc keeps it (ROOT/ID), so ids are shared with the
// runc containers that are delegated: ROOT/ID/mywasm.json marks ours.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace mywasm::oci {

enum class Status { Created, Running, Stopped };
const char* status_name(Status s);

struct ContainerState {
  std::string id;
  int pid = 0;                  // the process that waits for start, then runs the guest
  uint64_t pid_start_time = 0;  // /proc/PID/stat starttime: tells a reused pid apart
  std::string bundle, rootfs;
  std::string created;          // RFC 3339, UTC
  std::map<std::string, std::string> annotations;
};

// Now, as RFC 3339 in UTC with nanoseconds (runc's timestamps).
std::string rfc3339_now();

// Start time of a live (not zombie) process, or 0 when there is none.
uint64_t process_start_time(int pid);

class StateStore {
 public:
  explicit StateStore(std::string root) : root_(std::move(root)) {}

  // Throws Failure unless `id` is a valid container id (no path separators).
  static void check_id(const std::string& id);

  std::string dir_of(const std::string& id) const { return root_ + "/" + id; }
  // The fifo the waiting process opens for writing; `start` opens it to read.
  std::string exec_fifo_of(const std::string& id) const { return dir_of(id) + "/exec.fifo"; }
  bool is_wasm_container(const std::string& id) const;  // has our state file
  bool exists(const std::string& id) const;             // ours or runc's

  // Creates ROOT/ID (failing if the id is taken) with its exec fifo.
  void create_dir(const std::string& id) const;
  void save(const ContainerState& state) const;
  ContainerState load(const std::string& id) const;  // Failure "container ... does not exist"
  void remove(const std::string& id) const;

  Status status(const ContainerState& state) const;

 private:
  std::string state_file(const std::string& id) const { return dir_of(id) + "/mywasm.json"; }
  std::string root_;
};

// The OCI runtime state document (runtime-spec "State").
std::string oci_state_json(const ContainerState& state, Status status);

}  // namespace mywasm::oci
