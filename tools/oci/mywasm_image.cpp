// mywasm-image: OCI images of Wasm modules (and of native programs), with
// no registry or daemon.
//
//   mywasm-image build --kind compat|artifact|plain --layout DIR [--archive FILE.tar]
//                [--ref NAME] --add HOST[:IMAGE_PATH]... [--entrypoint ARG]...
//                [--cmd ARG]... [--env NAME=VALUE]... [--workdir DIR] [--annotation K=V]...
//   mywasm-image unpack IMAGE DIR
//       unpacks a layout directory or oci-archive under DIR (blobs checked)
//       and prints what it runs as JSON: how `mywasm run IMAGE` reads images
//
// Exit status: 0 done; 1 failed (a file missing or malformed); 2 usage.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "failure.hpp"
#include "image.hpp"
#include "image_writer.hpp"

namespace oci = mywasm::oci;
namespace fs = std::filesystem;

namespace {

oci::ImageFile parse_file(const std::string& spec) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return {spec, "/" + fs::path(spec).filename().string()};
  const std::string image_path = spec.substr(colon + 1);
  if (image_path.empty() || image_path[0] != '/')
    throw oci::Failure("--add " + spec + ": the path in the image must be absolute", oci::kExitUsage);
  return {spec.substr(0, colon), image_path};
}

struct BuildOptions {
  oci::ImageRecipe recipe;
  std::string kind = "compat", layout, archive, platform = "linux/amd64";
  std::vector<std::string> adds, annotations;
};

void add_build_options(CLI::App& build, BuildOptions& o) {
  build.add_option("--kind", o.kind, "compat (Wasm in a filesystem layer), artifact (wasm-to-oci), plain (native)")
      ->check(CLI::IsMember({"compat", "artifact", "plain"}))
      ->capture_default_str();
  build.add_option("--layout", o.layout, "The image layout directory to write (replaced)")->required();
  build.add_option("--archive", o.archive, "Also write the layout as this oci-archive tar");
  build.add_option("--ref", o.recipe.ref, "Image name, e.g. docker.io/library/hello:latest");
  build.add_option("--add", o.adds, "HOST[:IMAGE_PATH]: a file of the image (default path /NAME)")->required();
  build.add_option("--entrypoint", o.recipe.entrypoint, "One word of Entrypoint (default: the first file)");
  build.add_option("--cmd", o.recipe.cmd, "One word of Cmd");
  build.add_option("--env", o.recipe.env, "NAME=VALUE of the image's Env");
  build.add_option("--workdir", o.recipe.working_dir, "WorkingDir");
  build.add_option("--annotation", o.annotations, "KEY=VALUE manifest annotation");
  build.add_option("--platform", o.platform, "OS/ARCH of the image config")->capture_default_str();
}

void build_image(BuildOptions& o) {
  oci::ImageRecipe& recipe = o.recipe;
  recipe.kind = o.kind == "compat"     ? oci::ImageRecipe::Kind::Compat
                : o.kind == "artifact" ? oci::ImageRecipe::Kind::Artifact
                                       : oci::ImageRecipe::Kind::Plain;
  for (const auto& a : o.adds) recipe.files.push_back(parse_file(a));
  for (const auto& a : o.annotations) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos) throw oci::Failure("--annotation " + a + ": expected KEY=VALUE", oci::kExitUsage);
    recipe.annotations[a.substr(0, eq)] = a.substr(eq + 1);
  }
  const size_t slash = o.platform.find('/');
  if (slash == std::string::npos) throw oci::Failure("--platform must be OS/ARCH", oci::kExitUsage);
  recipe.os = o.platform.substr(0, slash);
  recipe.architecture = o.platform.substr(slash + 1);
  if (recipe.entrypoint.empty() && recipe.kind != oci::ImageRecipe::Kind::Artifact)
    recipe.entrypoint = {recipe.files[0].image_path};
  oci::write_image(recipe, o.layout, o.archive);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"OCI images of Wasm modules: build them, or unpack one to run.", "mywasm-image"};
  app.require_subcommand(1);
  BuildOptions build_options;
  CLI::App* build = app.add_subcommand("build", "Write an image layout directory (and an oci-archive tar)");
  add_build_options(*build, build_options);
  std::string image, dir;
  CLI::App* unpack = app.add_subcommand("unpack", "Unpack IMAGE under DIR; print what it runs (JSON)");
  unpack->add_option("image", image, "Layout directory or oci-archive tar")->required();
  unpack->add_option("dir", dir, "An existing directory to unpack into")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "mywasm-image: %s (see 'mywasm-image --help')\n", e.what());
    return oci::kExitUsage;
  }
  try {
    if (build->parsed())
      build_image(build_options);
    else
      std::puts(oci::unpack_image(image, dir).to_json().c_str());
  } catch (const oci::Failure& e) {
    std::fprintf(stderr, "mywasm-image: %s\n", e.what());
    return e.status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mywasm-image: %s\n", e.what());
    return oci::kExitFailed;
  }
  return 0;
}
