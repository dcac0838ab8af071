// config.json to guest: which fields are read, how bind mounts and
// namespaces map, when a bundle counts as Wasm, and that malformed configs
// are one clear failure.
#include "bundle.hpp"

#include "failure.hpp"
#include "oci_fixture.hpp"

namespace mywasm_test {
namespace {

namespace oci = mywasm::oci;
using nlohmann::json;

class BundleTest : public OciTest {
 protected:
  std::string failure_of(const fs::path& b) {
    try {
      oci::load_bundle(b.string());
    } catch (const oci::Failure& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(BundleTest, ReadsProcessRootMountsAndNamespaces) {
  fs::create_directories(dir_ / "data");
  json config = process({"app.wasm", "a"}, {"A=1"}, "/srv");
  config["root"] = {{"path", "rootfs"}, {"readonly", true}};
  config["annotations"] = {{"k", "v"}};
  config["mounts"] = {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
                      {{"destination", "/data"}, {"type", "none"}, {"source", (dir_ / "data").string()},
                       {"options", {"rbind", "ro"}}},
                      {{"destination", "/etc/hosts"}, {"type", "bind"}, {"source", "/etc/hosts"}}};
  config["linux"] = {{"namespaces", {{{"type", "pid"}}, {{"type", "network"}, {"path", "/run/netns/x"}}}}};
  const fs::path b = bundle("b", {}, config);
  const oci::Bundle bundle = oci::load_bundle(b.string());
  EXPECT_EQ(bundle.rootfs, (b / "rootfs").string());
  EXPECT_TRUE(bundle.rootfs_readonly);
  EXPECT_EQ(bundle.args, (std::vector<std::string>{"app.wasm", "a"}));
  EXPECT_EQ(bundle.cwd, "/srv");
  EXPECT_EQ(bundle.annotations.at("k"), "v");
  ASSERT_EQ(bundle.binds.size(), 1u);  // proc is no bind; a file cannot be a preopen
  EXPECT_EQ(bundle.binds[0].destination, "/data");
  EXPECT_TRUE(bundle.binds[0].readonly);
  EXPECT_EQ(bundle.netns_path, "/run/netns/x");
  EXPECT_FALSE(bundle.new_netns);

  const oci::GuestSpec guest = oci::guest_of(bundle, 9);
  EXPECT_EQ(guest.module_path, "/proc/self/fd/9");
  EXPECT_EQ(guest.env, (std::vector<std::string>{"A=1", "PWD=/srv"}));
  ASSERT_EQ(guest.preopens.size(), 2u);
  EXPECT_EQ(guest.preopens[0].guest_path, "/");
  EXPECT_TRUE(guest.preopens[0].readonly);
  EXPECT_EQ(guest.preopens[1].host_path, (dir_ / "data").string());
}

TEST_F(BundleTest, WasmByAnnotationOrByTheEntryPointsMagic) {
  const fs::path plain = bundle("plain", {{"app", "/bin/true"}}, process({"/app"}));
  EXPECT_FALSE(oci::is_wasm(oci::load_bundle(plain.string())));
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"module.wasm.image/variant", "compat"},
           {"module.wasm.image/variant", "compat-smart"},
           {"run.oci.handler", "wasm"}}) {
    json config = process({"/app"});
    config["annotations"] = {{key, value}};
    EXPECT_TRUE(oci::is_wasm(oci::load_bundle(bundle("a" + value, {}, config).string()))) << key;
  }
  // Any name, relative to cwd: the magic decides.
  const fs::path named = bundle("named", {}, process({"prog"}, {}, "/bin"));
  fs::create_directories(named / "rootfs" / "bin");
  fs::copy_file(program("hello"), named / "rootfs" / "bin" / "prog");
  EXPECT_TRUE(oci::is_wasm(oci::load_bundle(named.string())));
}

TEST_F(BundleTest, TheEntryPointIsResolvedInsideTheRootfs) {
  const fs::path outside = dir_ / "outside.wasm";
  fs::copy_file(program("hello"), outside);
  const fs::path b = bundle("b", {}, process({"/app.wasm"}));
  fs::create_symlink(outside, b / "rootfs" / "app.wasm");  // absolute: means rootfs/<that path>
  const oci::Bundle bundle = oci::load_bundle(b.string());
  EXPECT_FALSE(oci::is_wasm(bundle));
  EXPECT_THROW(oci::open_entry_module(bundle), oci::Failure);
}

TEST_F(BundleTest, MalformedConfigsAreOneClearFailure) {
  EXPECT_NE(failure_of(dir_ / "missing").find("is not a directory"), std::string::npos);
  fs::create_directories(dir_ / "empty");
  EXPECT_NE(failure_of(dir_ / "empty").find("cannot read"), std::string::npos);
  const std::vector<json> bad = {json::object(), {{"root", {{"path", 5}}}}, process({}),
                                 {{"root", {{"path", "r"}}}, {"process", {{"args", {1, 2}}}}}};
  for (size_t i = 0; i < bad.size(); ++i) {
    const std::string why = failure_of(bundle("bad" + std::to_string(i), {}, bad[i]));
    EXPECT_NE(why.find("config.json: "), std::string::npos) << i << ": " << why;
  }
  EXPECT_TRUE(failure_of(bundle("good", {}, process({"x"}))).empty());
}

TEST(GuestSpec, EnvOverridesReplaceByName) {
  EXPECT_EQ(oci::merge_env({"A=1", "B=2"}, {"B=3", "C=4"}), (std::vector<std::string>{"A=1", "B=3", "C=4"}));
  oci::GuestSpec g;
  g.env = {"PWD=/mine"};
  oci::add_working_dir(g, "/app");
  EXPECT_EQ(g.env, std::vector<std::string>{"PWD=/mine"});
}

}  // namespace
}  // namespace mywasm_test
