// mywasm-image: builds the OCI images the tests, benchmarks and users run
// (see image_writer.hpp for the three kinds). No registry, no daemon.
//
//   mywasm-image --kind compat --layout DIR [--archive FILE.tar] --ref NAME
//                --add HOST[:IMAGE_PATH]... [--entrypoint ARG]... [--cmd ARG]...
//                [--env NAME=VALUE]... [--workdir DIR] [--annotation K=V]...
//
// Exit status: 0 written; 1 failed (a file missing, cannot write); 2 usage.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "failure.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  oci::ImageRecipe recipe;
  std::string kind = "compat", layout, archive, platform = "linux/amd64";
  std::vector<std::string> adds, annotations;
  CLI::App app{"Write an OCI image (layout directory, optionally an oci-archive tar) of a Wasm module or program.",
               "mywasm-image"};
  app.add_option("--kind", kind, "compat (Wasm in a filesystem layer), artifact (wasm-to-oci), plain (native)")
      ->check(CLI::IsMember({"compat", "artifact", "plain"}))
      ->capture_default_str();
  app.add_option("--layout", layout, "The image layout directory to write (replaced)")->required();
  app.add_option("--archive", archive, "Also write the layout as this oci-archive tar");
  app.add_option("--ref", recipe.ref, "Image name, e.g. docker.io/library/hello:latest");
  app.add_option("--add", adds, "HOST[:IMAGE_PATH]: a file of the image (default path /NAME)")->required();
  app.add_option("--entrypoint", recipe.entrypoint, "One word of Entrypoint (default: the first file)");
  app.add_option("--cmd", recipe.cmd, "One word of Cmd");
  app.add_option("--env", recipe.env, "NAME=VALUE of the image's Env");
  app.add_option("--workdir", recipe.working_dir, "WorkingDir");
  app.add_option("--annotation", annotations, "KEY=VALUE manifest annotation");
  app.add_option("--platform", platform, "OS/ARCH of the image config")->capture_default_str();
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
    recipe.kind = kind == "compat"     ? oci::ImageRecipe::Kind::Compat
                  : kind == "artifact" ? oci::ImageRecipe::Kind::Artifact
                                       : oci::ImageRecipe::Kind::Plain;
    for (const auto& a : adds) recipe.files.push_back(parse_file(a));
    for (const auto& a : annotations) {
      const size_t eq = a.find('=');
      if (eq == std::string::npos) throw oci::Failure("--annotation " + a + ": expected KEY=VALUE", oci::kExitUsage);
      recipe.annotations[a.substr(0, eq)] = a.substr(eq + 1);
    }
    const size_t slash = platform.find('/');
    if (slash == std::string::npos) throw oci::Failure("--platform must be OS/ARCH", oci::kExitUsage);
    recipe.os = platform.substr(0, slash);
    recipe.architecture = platform.substr(slash + 1);
    if (recipe.entrypoint.empty() && recipe.kind != oci::ImageRecipe::Kind::Artifact)
      recipe.entrypoint = {recipe.files[0].image_path};
    oci::write_image(recipe, layout, archive);
  } catch (const oci::Failure& e) {
    std::fprintf(stderr, "mywasm-image: %s\n", e.what());
    return e.status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mywasm-image: %s\n", e.what());
    return oci::kExitFailed;
  }
  return 0;
}
