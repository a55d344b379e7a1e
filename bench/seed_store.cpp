// visionary_seed: fills a store with N gallery entries (a demo picture, its WebP thumbnail and full
// metadata) written through the real generation pipeline, so benchmarks can run against large
// galleries without N calls to a provider.
//   visionary_seed --data-dir DIR --count N [--image-size 64]
//   visionary_seed --azure-connection-string CS --container NAME --count N
#include <CLI/CLI.hpp>
#include <iostream>

#include "bench_support.hpp"
#include "core/generation_service.hpp"
#include "imaging/image_codec.hpp"
#include "providers/demo/demo_art.hpp"
#include "storage/azure_blob_store.hpp"
#include "storage/fs_blob_store.hpp"
#include "util/base64.hpp"
#include "util/crypto.hpp"

int main(int argc, char** argv) {
  using namespace visionary;
  std::string data_dir, connection_string, container = "images";
  int count = 100;
  int image_size = 64;
  CLI::App app{"Seed a VisionaryAI store with gallery entries"};
  app.add_option("--data-dir", data_dir, "Data directory of the embedded store");
  app.add_option("--azure-connection-string", connection_string, "Seed Azure Blob Storage instead");
  app.add_option("--container", container, "Container")->capture_default_str();
  app.add_option("--count", count, "Number of images")->check(CLI::Range(1, 1'000'000));
  app.add_option("--image-size", image_size, "Side of the pictures in pixels")
      ->check(CLI::Range(64, 2048));
  CLI11_PARSE(app, argc, argv);
  if (data_dir.empty() == connection_string.empty()) {
    std::cerr << "give exactly one of --data-dir and --azure-connection-string\n";
    return 2;
  }

  imaging::initialize(argv[0]);
  boost::asio::io_context io;
  boost::asio::thread_pool pool(2);
  net::http_client http;
  std::unique_ptr<core::blob_store> store;
  if (!data_dir.empty()) {
    storage::fs_blob_store_options options;
    options.data_dir = data_dir;
    options.container = container;
    options.signing_key = util::random_bytes(32);
    auto opened = storage::fs_blob_store::open(options, pool);
    if (!opened) {
      std::cerr << opened.error().message << "\n";
      return 1;
    }
    store = std::move(*opened);
  } else {
    auto account = storage::parse_connection_string(connection_string);
    if (!account) {
      std::cerr << account.error().message << "\n";
      return 2;
    }
    auto opened =
        bench::run_sync(io, storage::azure_blob_store::open(std::move(*account), container, http));
    if (!opened) {
      std::cerr << opened.error().message << "\n";
      return 1;
    }
    store = std::move(*opened);
  }
  const auto art = providers::render_demo_art("seed picture", image_size, image_size);
  auto png = imaging::encode_png_rgb(art.rgb, art.width, art.height);
  bench::fixed_image_provider provider(std::move(*png));
  core::gallery_service gallery(*store);
  core::owned_cost_control costs(*store, core::unlimited_limits(), core::price_plan{}, "test",
                                 "free");
  core::generation_service generation(provider, *store, gallery, costs.get(), pool,
                                      imaging::default_max_image_pixels);
  for (int i = 0; i < count; ++i) {
    core::generation_request request;
    request.prompt = "Synthetic gallery entry number " + std::to_string(i) + ", watercolor";
    request.size = "1024x1024";
    auto result =
        bench::run_sync(io, generation.generate(std::move(request), std::nullopt, "local"));
    if (!result) {
      std::cerr << result.error().message << "\n";
      return 1;
    }
  }
  pool.join();
  std::cout << "seeded " << count << " images into " << data_dir << "\n";
  return 0;
}
