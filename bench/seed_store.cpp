// visionary_seed: fills a data directory with N synthetic gallery entries (a small PNG, its WebP
// thumbnail and full metadata), written through the real filesystem store, so listing benchmarks
// can run against large galleries without N calls to a provider.
//   visionary_seed --data-dir DIR --count N
#include "bench_support.hpp"
#include "core/generation_service.hpp"
#include "imaging/image_codec.hpp"
#include "providers/demo_art.hpp"
#include "storage/fs_blob_store.hpp"
#include "util/base64.hpp"
#include "util/crypto.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  using namespace visionary;
  std::string data_dir;
  int count = 100;
  CLI::App app{"Seed a VisionaryAI data directory with synthetic images"};
  app.add_option("--data-dir", data_dir, "Data directory")->required();
  app.add_option("--count", count, "Number of images")->check(CLI::Range(1, 1'000'000));
  CLI11_PARSE(app, argc, argv);

  imaging::initialize(argv[0]);
  boost::asio::io_context io;
  boost::asio::thread_pool pool(2);
  storage::fs_blob_store_options options;
  options.data_dir = data_dir;
  options.signing_key = util::random_bytes(32);
  auto store = storage::fs_blob_store::open(options, pool);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  const auto art = providers::render_demo_art("seed", 64, 64);
  auto png = imaging::encode_png_rgb(art.rgb, art.width, art.height);
  bench::fixed_image_provider provider(std::move(*png));
  core::gallery_service gallery(**store);
  core::generation_service generation(provider, **store, gallery, pool);
  for (int i = 0; i < count; ++i) {
    providers::generation_request request;
    request.prompt = "Synthetic gallery entry number " + std::to_string(i) + ", watercolor";
    request.size = "1024x1024";
    auto result = bench::run_sync(io, generation.generate(std::move(request)));
    if (!result) {
      std::cerr << result.error().message << "\n";
      return 1;
    }
  }
  pool.join();
  std::cout << "seeded " << count << " images into " << data_dir << "\n";
  return 0;
}
