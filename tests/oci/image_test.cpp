// OCI images: written by mywasm-image (both Wasm kinds, layout and
// oci-archive), read back with every blob checked, and run directly with
// `mywasm run IMAGE` as `docker run` would start them.
#include "image.hpp"
#include "image_process.hpp"

#include "archive.hpp"
#include "failure.hpp"
#include "image_writer.hpp"
#include "oci_fixture.hpp"

namespace mywasm_test {
namespace {

namespace oci = mywasm::oci;
using nlohmann::json;

class ImageTest : public OciTest {
 protected:
  // mywasm-image with `args`; the image goes to dir_/NAME (layout) and dir_/NAME.tar.
  Outcome make_image(const std::string& name, const std::string& args) {
    return run_shell(std::string(MYWASM_IMAGE_BIN) + " build --layout " + (dir_ / name).string() + " --archive " +
                     (dir_ / (name + ".tar")).string() + " " + args);
  }
  std::string probe_image_args() {
    return "--kind compat --ref docker.io/library/probe:latest --add " + program("oci_probe") +
           ":/app/probe.wasm --cmd default-arg --env GREETING=hello --env PROBE_EXIT=3 --workdir /app";
  }
  json manifest_of(const std::string& name) {
    const json index = json::parse(slurp(dir_ / name / "index.json"));
    const std::string digest = index["manifests"][0]["digest"];
    return json::parse(slurp(dir_ / name / "blobs" / "sha256" / digest.substr(7)));
  }
};

TEST_F(ImageTest, CompatImageHasOneLayerTheAnnotationAndTheEntryPoint) {
  ASSERT_EQ(make_image("probe", probe_image_args()).status, 0);
  const json index = json::parse(slurp(dir_ / "probe" / "index.json"));
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
            "docker.io/library/probe:latest");
  const json manifest = manifest_of("probe");
  EXPECT_EQ(manifest["annotations"]["module.wasm.image/variant"], "compat");
  EXPECT_EQ(manifest["layers"].size(), 1u);
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar");
  EXPECT_EQ(slurp(dir_ / "probe" / "oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");

  fs::create_directories(dir_ / "unpacked");
  const oci::ImageProcess image = oci::unpack_image((dir_ / "probe.tar").string(), (dir_ / "unpacked").string());
  EXPECT_FALSE(image.is_artifact());
  EXPECT_EQ(image.entrypoint, std::vector<std::string>{"/app/probe.wasm"});
  EXPECT_EQ(image.cmd, std::vector<std::string>{"default-arg"});
  EXPECT_EQ(image.env, (std::vector<std::string>{"GREETING=hello", "PROBE_EXIT=3"}));
  EXPECT_EQ(image.working_dir, "/app");
  EXPECT_EQ(slurp(fs::path(image.rootfs) / "app" / "probe.wasm"), slurp(program("oci_probe")));
  const oci::GuestSpec guest = oci::guest_of(image, {}, {"GREETING=hi"});
  EXPECT_EQ(guest.argv, (std::vector<std::string>{"/app/probe.wasm", "default-arg"}));
  EXPECT_EQ(guest.env, (std::vector<std::string>{"GREETING=hi", "PROBE_EXIT=3", "PWD=/app"}));
  EXPECT_EQ(oci::ImageProcess::from_json(image.to_json()).to_json(), image.to_json());
}

TEST_F(ImageTest, ArtifactIsTheModuleAsItsOneLayer) {
  ASSERT_EQ(make_image("art", "--kind artifact --ref docker.io/library/art:latest --add " + program("hello")).status, 0);
  const json manifest = manifest_of("art");
  EXPECT_EQ(manifest["config"]["mediaType"], "application/vnd.wasm.config.v1+json");
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/vnd.wasm.content.layer.v1+wasm");
  EXPECT_EQ(manifest["layers"][0]["annotations"]["org.opencontainers.image.title"], "hello.wasm");
  const oci::ImageProcess image = oci::unpack_image((dir_ / "art").string(), dir_.string());
  EXPECT_TRUE(image.is_artifact());
  EXPECT_EQ(slurp(image.module_path), slurp(program("hello")));
  EXPECT_EQ(oci::guest_of(image, {"x"}, {}).argv, (std::vector<std::string>{"hello.wasm", "x"}));
}

TEST_F(ImageTest, TheSameInputGivesTheSameDigests) {
  ASSERT_EQ(make_image("a", probe_image_args()).status, 0);
  ASSERT_EQ(make_image("b", probe_image_args()).status, 0);
  EXPECT_EQ(slurp(dir_ / "a" / "index.json"), slurp(dir_ / "b" / "index.json"));
  EXPECT_EQ(slurp(dir_ / "a.tar"), slurp(dir_ / "b.tar"));
}

TEST_F(ImageTest, RunImageHonoursEntrypointCmdEnvWorkingDir) {
  ASSERT_EQ(make_image("probe", probe_image_args()).status, 0);
  for (const std::string& image : {(dir_ / "probe").string(), (dir_ / "probe.tar").string()}) {
    const Outcome o = run("run " + image);
    EXPECT_EQ(o.status, 3) << o.err;  // PROBE_EXIT from the image's Env
    EXPECT_EQ(o.out, "arg 0: /app/probe.wasm\narg 1: default-arg\nenv GREETING=hello\nenv PROBE_EXIT=3\nenv PWD=/app\n")
        << image;
  }
}

TEST_F(ImageTest, RunImageArgsReplaceCmdEnvOverridesAndDirAdds) {
  ASSERT_EQ(make_image("probe", probe_image_args()).status, 0);
  fs::create_directories(dir_ / "data");
  fs::create_directories(dir_ / "tmp");
  const Outcome o = run_shell("TMPDIR=" + (dir_ / "tmp").string() + " " + MYWASM_BIN + " run --env PROBE_EXIT=0 --env EXTRA=1 --dir /data:" + (dir_ / "data").string() + " " +
                        (dir_ / "probe.tar").string() + " write:/data/f:x read:/app/probe.wasm");
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("arg 1: write:/data/f:x\narg 2: read:/app/probe.wasm\nenv EXTRA=1\nenv GREETING=hello\n"
                       "env PROBE_EXIT=0\n"),
            std::string::npos)
      << o.out;
  EXPECT_EQ(o.out.find("default-arg"), std::string::npos);
  EXPECT_NE(o.out.find("\n/app/probe.wasm: \n"), std::string::npos) << o.out;  // "\0asm..." printed with %s
  EXPECT_EQ(slurp(dir_ / "data" / "f"), "x");
  // The image's rootfs is a private copy, gone after the run.
  EXPECT_TRUE(fs::is_empty(dir_ / "tmp"));
}

TEST_F(ImageTest, RunArtifactImage) {
  ASSERT_EQ(make_image("art", "--kind artifact --add " + program("hello")).status, 0);
  for (const std::string& image : {(dir_ / "art").string(), (dir_ / "art.tar").string()}) {
    const Outcome o = run("run " + image);
    EXPECT_EQ(o.status, 0) << o.err;
    EXPECT_EQ(o.out, "你好,Docker+Wasm!\n");
  }
}

TEST_F(ImageTest, DamagedOrNonWasmImagesAreOneClearError) {
  ASSERT_EQ(make_image("probe", probe_image_args()).status, 0);
  const json manifest = manifest_of("probe");
  const std::string layer = manifest["layers"][0]["digest"];
  fs::path blob = dir_ / "probe" / "blobs" / "sha256" / layer.substr(7);
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(blob, std::ios::app) << "x";
  Outcome o = run("run " + (dir_ / "probe").string());
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.err.find("bytes, its descriptor says"), std::string::npos) << o.err;
  EXPECT_EQ(count_lines(o.err), 1);

  std::ofstream(dir_ / "probe" / "index.json") << "{";
  o = run("run " + (dir_ / "probe").string());
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.err.find("malformed image"), std::string::npos) << o.err;

  ASSERT_EQ(make_image("native", "--kind plain --add /bin/true:/true").status, 0);
  o = run("run " + (dir_ / "native.tar").string());
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.err.find("entry point '/true' is not a WebAssembly module"), std::string::npos) << o.err;

  o = run_shell(std::string(MYWASM_IMAGE_BIN) + " build --layout " + (dir_ / "x").string() + " --add /nonexistent");
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.err.find("cannot read '/nonexistent'"), std::string::npos) << o.err;
  EXPECT_EQ(run_shell(std::string(MYWASM_IMAGE_BIN) + " build --kind nope").status, 2);
  EXPECT_EQ(run_shell(std::string(MYWASM_IMAGE_BIN) + " frobnicate").status, 2);
}

TEST_F(ImageTest, RunImageWithoutTheUnpackToolSaysSo) {
  ASSERT_EQ(make_image("art", "--kind artifact --add " + program("hello")).status, 0);
  fs::create_directories(dir_ / "bin");
  fs::copy_file(MYWASM_BIN, dir_ / "bin" / "mywasm");  // without mywasm-image beside it, nor on PATH
  const Outcome o = run_shell("PATH=/nonexistent " + (dir_ / "bin" / "mywasm").string() + " run " +
                              (dir_ / "art").string());
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "mywasm: cannot run mywasm-image to unpack the image: No such file or directory\n");
}

TEST_F(ImageTest, LayersApplyWhiteoutsAndStayInside) {
  const fs::path layer1 = write("l1.tar", oci::tar_bytes({{"d", "", true}, {"d/x", "x"}, {"old", "o"}, {"keep", "k"}}));
  const fs::path layer2 = write("l2.tar", oci::tar_bytes({{".wh.old", ""}, {"d/.wh..wh..opq", ""}, {"d/y", "y"}}));
  const fs::path root = dir_ / "root";
  fs::create_directories(root);
  oci::extract_tar(layer1.string(), root.string(), true);
  oci::extract_tar(layer2.string(), root.string(), true);
  EXPECT_FALSE(fs::exists(root / "old"));
  EXPECT_FALSE(fs::exists(root / "d" / "x"));
  EXPECT_EQ(slurp(root / "d" / "y"), "y");
  EXPECT_EQ(slurp(root / "keep"), "k");

  const fs::path evil = write("evil.tar", oci::tar_bytes({{"../escaped", "e"}}));
  EXPECT_THROW(oci::extract_tar(evil.string(), root.string(), true), oci::Failure);
  EXPECT_FALSE(fs::exists(dir_ / "escaped"));
}

}  // namespace
}  // namespace mywasm_test
