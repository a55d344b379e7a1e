// Micro-benchmarks of the hot paths: signing a link, listing a gallery page from stores of
// different sizes (cost must follow the page, not the store), and the generation pipeline minus
// the provider's own time.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <map>

#include "bench_support.hpp"
#include "core/generation_service.hpp"
#include "imaging/image_codec.hpp"
#include "providers/demo/demo_art.hpp"
#include "storage/fs_blob_store.hpp"
#include "storage/sas.hpp"
#include "util/crypto.hpp"

namespace {

using namespace visionary;

std::string small_png() {
  const auto art = providers::render_demo_art("benchmark", 64, 64);
  return *imaging::encode_png_rgb(art.rgb, art.width, art.height);
}

// One seeded store per size, shared by every benchmark that lists it.
struct seeded_store {
  std::filesystem::path dir;
  boost::asio::io_context io;
  boost::asio::thread_pool pool{2};
  std::unique_ptr<storage::fs_blob_store> store;

  explicit seeded_store(int count) {
    dir = std::filesystem::temp_directory_path() / ("visionary-bench-" + util::random_token(8));
    storage::fs_blob_store_options options;
    options.data_dir = dir;
    options.signing_key = util::random_bytes(32);
    store = std::move(*storage::fs_blob_store::open(options, pool));
    bench::fixed_image_provider provider(small_png());
    core::gallery_service gallery(*store);
    core::owned_cost_control costs(*store, core::unlimited_limits(), core::price_plan{}, "test",
                                   "free");
    core::generation_service generation(provider, *store, gallery, costs.get(), pool);
    for (int i = 0; i < count; ++i) {
      core::generation_request request;
      request.prompt = "Synthetic gallery entry " + std::to_string(i);
      request.size = "1024x1024";
      (void)bench::run_sync(io, generation.generate(std::move(request), std::nullopt, "local"));
    }
  }
  ~seeded_store() {
    store.reset();
    pool.join();
    std::filesystem::remove_all(dir);
  }
};

seeded_store& store_of(int count) {
  static std::map<int, std::unique_ptr<seeded_store>> stores;
  auto& slot = stores[count];
  if (!slot) slot = std::make_unique<seeded_store>(count);
  return *slot;
}

void BM_sign_blob_sas(benchmark::State& state) {
  const std::string key = util::random_bytes(64);
  storage::blob_sas_values values;
  values.account = "visionary";
  values.container = "images";
  values.blob = "images/8204999999999_a-red-fox_k3j4h5g6m2.png";
  values.expires_on = "2026-11-24T23:35:00Z";
  values.protocol = "https,http";
  values.content_type = "image/png";
  for (auto _ : state) benchmark::DoNotOptimize(storage::sign_blob_sas(key, values));
}
BENCHMARK(BM_sign_blob_sas);

// GET /api/getImages?limit=50 minus HTTP: one store listing plus two signed links per image.
void BM_gallery_page_of_50(benchmark::State& state) {
  auto& seeded = store_of(int(state.range(0)));
  core::gallery_service gallery(*seeded.store);
  for (auto _ : state) {
    auto page = bench::run_sync(seeded.io, gallery.list(50, std::nullopt));
    if (!page || page->images.size() != 50) state.SkipWithError("listing failed");
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_gallery_page_of_50)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// Everything a generation costs besides the provider: decode and verify, thumbnail, text chunk,
// four durable writes (thumbnail, metadata, image) and the signed links, for a 1024x1024 image.
void BM_generation_overhead_1024(benchmark::State& state) {
  static const std::string png = [] {
    const auto art = providers::render_demo_art("a lighthouse at dusk", 1024, 1024);
    return *imaging::encode_png_rgb(art.rgb, art.width, art.height);
  }();
  auto& seeded = store_of(0);
  bench::fixed_image_provider provider(png);
  core::gallery_service gallery(*seeded.store);
  core::owned_cost_control costs(*seeded.store, core::unlimited_limits(), core::price_plan{},
                                 "test", "free");
  core::generation_service generation(provider, *seeded.store, gallery, costs.get(), seeded.pool);
  for (auto _ : state) {
    core::generation_request request;
    request.prompt = "a lighthouse at dusk";
    request.size = "1024x1024";
    auto result =
        bench::run_sync(seeded.io, generation.generate(std::move(request), std::nullopt, "local"));
    if (!result) state.SkipWithError(result.error().message.c_str());
  }
}
BENCHMARK(BM_generation_overhead_1024)->Unit(benchmark::kMillisecond)->UseRealTime();

// The demo provider's own time, for comparison with the overhead above.
void BM_demo_render_and_encode_1024(benchmark::State& state) {
  for (auto _ : state) {
    const auto art = providers::render_demo_art("a lighthouse at dusk", 1024, 1024);
    benchmark::DoNotOptimize(imaging::encode_png_rgb(art.rgb, art.width, art.height));
  }
}
BENCHMARK(BM_demo_render_and_encode_1024)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  imaging::initialize(argv[0]);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
