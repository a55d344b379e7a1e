// Micro-benchmarks of the hot paths: signing a link, listing a gallery page from stores of
// different sizes (cost must follow the page, not the store), the generation pipeline minus
// the provider's own time, and what cost control adds to a generation (admission, the ledger's
// reserve + settle on the filesystem store and on Azurite).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <tuple>
#include <vector>

#include "bench_support.hpp"
#include "core/admission.hpp"
#include "core/generation_service.hpp"
#include "core/metered_store.hpp"
#include "core/spend_ledger.hpp"
#include "imaging/image_codec.hpp"
#include "net/http_client.hpp"
#include "providers/demo/demo_art.hpp"
#include "storage/azure_blob_store.hpp"
#include "storage/connection_string.hpp"
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
    core::generation_service generation(provider, *store, gallery, costs.get(), pool,
                                        imaging::default_max_image_pixels);
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
  core::generation_service generation(provider, *seeded.store, gallery, costs.get(), seeded.pool,
                                      imaging::default_max_image_pixels);
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

// ---- Cost control -------------------------------------------------------------------------

// "10.x.y.z", like the client addresses admission sees.
std::vector<std::string> client_addresses(int count) {
  std::vector<std::string> out;
  out.reserve(std::size_t(count));
  for (int i = 0; i < count; ++i) {
    out.push_back("10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) +
                  "." + std::to_string(i & 255));
  }
  return out;
}

// admit + ticket release with the default limits (10/min, burst 10, 16 and 2 in flight), cycling
// through range(0) clients. The clock advances one refill period (6 s) per admit, so every admit
// succeeds: this is the path every generation takes.
void BM_Admission(benchmark::State& state) {
  const auto clients = client_addresses(int(state.range(0)));
  core::admission_control admission(core::admission_settings{});
  auto now = core::admission_control::clock::now();
  std::size_t next = 0;
  for (auto _ : state) {
    now += std::chrono::seconds(6);
    auto ticket = admission.admit(clients[next], now);
    if (!ticket) state.SkipWithError(ticket.error().message.c_str());
    if (++next == clients.size()) next = 0;
  }  // the ticket is released at the end of each iteration
}
BENCHMARK(BM_Admission)->ArgName("clients")->Arg(1)->Arg(10'000);

// The worst case of the client table: it is full (max_tracked_clients) of clients that took a
// token within one refill period (6 s at the default 10/min), and each admit is a client never seen
// before, so admit scans the table for one to forget (a flood from many addresses).
void BM_Admission_new_client_full_table(benchmark::State& state) {
  constexpr int tracked = int(core::admission_control::max_tracked_clients);
  const auto clients = client_addresses(tracked * 2);
  core::admission_control admission(core::admission_settings{});
  auto now = core::admission_control::clock::now();
  for (int i = 0; i < tracked; ++i) {
    now += std::chrono::microseconds(1);
    (void)admission.admit(clients[std::size_t(i)], now);
  }
  std::size_t next = tracked;
  for (auto _ : state) {
    now += std::chrono::microseconds(1);
    auto ticket = admission.admit(clients[next], now);
    if (!ticket) state.SkipWithError(ticket.error().message.c_str());
    if (++next == clients.size()) next = 0;
  }
  state.counters["tracked"] = double(admission.tracked_clients());
}
BENCHMARK(BM_Admission_new_client_full_table)->Unit(benchmark::kMicrosecond);

enum class backend { fs, azure };

// Azurite's connection string, set by bench/run.sh after starting it.
const char* azurite_connection_string() {
  return std::getenv("VISIONARY_BENCH_AZURITE");
}

// A store of its own for one ledger benchmark (a temp dir, or a fresh Azurite container), counted
// by metered_store so conditional writes that lost a race show up. The day's ledger is seeded
// with `clients` clients that already made images (the blob grows with each client of the day).
struct ledger_store {
  boost::asio::io_context io;
  boost::asio::thread_pool pool{2};
  net::http_client http;
  std::filesystem::path dir;
  std::unique_ptr<core::blob_store> raw;
  util::metrics_registry registry;
  core::generation_metrics metrics{registry};
  std::unique_ptr<core::metered_store> store;
  std::string error;  // why the store could not be used

  ledger_store(backend kind, int clients) {
    const std::string name = "bench-ledger-" + util::hex_encode(util::random_bytes(4));
    if (kind == backend::fs) {
      dir = std::filesystem::temp_directory_path() / name;
      storage::fs_blob_store_options options;
      options.data_dir = dir;
      options.signing_key = util::random_bytes(32);
      auto opened = storage::fs_blob_store::open(options, pool);
      if (!opened) {
        error = opened.error().message;
        return;
      }
      raw = std::move(*opened);
    } else {
      const char* text = azurite_connection_string();
      if (text == nullptr) {
        error = "VISIONARY_BENCH_AZURITE is not set (bench/run.sh sets it after starting Azurite)";
        return;
      }
      auto account = storage::parse_connection_string(text);
      if (!account) {
        error = account.error().message;
        return;
      }
      auto opened = bench::run_sync(io, storage::azure_blob_store::open(*account, name, http));
      if (!opened) {
        error = opened.error().message;
        return;
      }
      raw = std::move(*opened);
    }
    store = std::make_unique<core::metered_store>(*raw, metrics.storage_operations);
    seed_day(clients);
  }
  ~ledger_store() {
    store.reset();
    raw.reset();
    pool.join();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  void seed_day(int clients) {
    core::spend_ledger ledger(*store, {});
    core::ledger_day day;
    day.day = ledger.day_of(std::chrono::system_clock::now());
    for (const auto& client : client_addresses(clients - 1)) {
      day.client_images[core::spend_ledger::client_key(client)] = 3;
      day.images += 3;
    }
    day.spent_usd = 0.12 * day.images;
    day.models["bench"] = core::model_usage{day.images, 0, day.spent_usd};
    auto written =
        bench::run_sync(io, store->put(core::spend_ledger::blob_name(day.day),
                                       core::ledger_day_to_json(day), "application/json", {}));
    if (!written) error = written.error().message;
  }

  double lost_races() {
    return metrics.storage_operations.with({"put_if", "precondition_failed"}).value();
  }
};

ledger_store& ledger_store_of(backend kind, int clients, int concurrent) {
  static std::map<std::tuple<backend, int, int>, std::unique_ptr<ledger_store>> stores;
  auto& slot = stores[{kind, clients, concurrent}];
  if (!slot) slot = std::make_unique<ledger_store>(kind, clients);
  return *slot;
}

// Limits that are set (so both refusal checks run) but never reached by a benchmark.
core::ledger_settings checked_ledger_settings() {
  core::ledger_settings settings;
  settings.daily_budget_usd = 1e8;
  settings.client_daily_images = 1'000'000'000;
  return settings;
}

boost::asio::awaitable<outcome<void>> reserve_and_settle(core::spend_ledger& ledger,
                                                         std::string client) {
  // 0.04 USD: a 1024x1024 image of a paid model, as priced by the default price plan.
  auto held = co_await ledger.reserve(client, 1, 0.04, std::chrono::system_clock::now());
  if (!held) co_return held.error();
  core::settlement used{0.04, 1, false, "bench"};
  auto day = co_await ledger.settle(*held, std::move(used), std::chrono::system_clock::now());
  if (!day) co_return make_error(error_kind::storage_error, "settle failed");
  co_return outcome<void>{};
}

// spend_ledger::reserve + settle, the two read-modify-writes of the day's blob every generation
// makes. range(0): clients already in the day's blob; range(1): pairs running at once (one client
// each), which makes conditional writes collide and retry after a backoff. Pairs that fail are
// counted, not fatal, so a store that fails under concurrency shows how often it does.
void BM_LedgerReserveSettle(benchmark::State& state, backend kind) {
  const int clients = int(state.range(0));
  const int concurrent = int(state.range(1));
  auto& fixture = ledger_store_of(kind, clients, concurrent);
  if (!fixture.error.empty()) {
    state.SkipWithError(fixture.error.c_str());
    return;
  }
  core::spend_ledger ledger(*fixture.store, checked_ledger_settings());
  const auto names = client_addresses(concurrent);
  const double lost_before = fixture.lost_races();
  std::int64_t failed = 0;
  std::string first_failure;
  for (auto _ : state) {
    std::vector<std::future<outcome<void>>> pairs;
    for (const auto& name : names) {
      pairs.push_back(boost::asio::co_spawn(fixture.io, reserve_and_settle(ledger, name),
                                            boost::asio::use_future));
    }
    fixture.io.restart();
    fixture.io.run();
    for (auto& pair : pairs) {
      if (auto done = pair.get(); !done) {
        if (first_failure.empty()) first_failure = done.error().message;
        ++failed;
      }
    }
  }
  const double pairs = double(state.iterations() * concurrent);
  if (failed == std::int64_t(pairs)) {
    state.SkipWithError(first_failure.c_str());
    return;
  }
  if (failed > 0) state.SetLabel("first failure: " + first_failure);
  state.SetItemsProcessed(state.iterations() * concurrent);
  state.counters["lost_races_per_pair"] = (fixture.lost_races() - lost_before) / pairs;
  state.counters["failed_per_pair"] = double(failed) / pairs;
}
// The same cases on both stores: one client or 10,000 in the day's blob, 1, 2 or 8 pairs at once.
void ledger_cases(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"clients", "concurrent"})
      ->Args({1, 1})
      ->Args({10'000, 1})
      ->Args({1, 2})
      ->Args({1, 8})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}
BENCHMARK_CAPTURE(BM_LedgerReserveSettle, fs, backend::fs)->Apply(ledger_cases);
BENCHMARK_CAPTURE(BM_LedgerReserveSettle, azure, backend::azure)->Apply(ledger_cases);

// All that cost_control adds to one generation: admit (admission + reserve, metrics) and settle,
// with every limit set but out of reach.
void BM_CostControlAdmitSettle(benchmark::State& state, backend kind) {
  auto& fixture = ledger_store_of(kind, 1, 0);
  if (!fixture.error.empty()) {
    state.SkipWithError(fixture.error.c_str());
    return;
  }
  core::cost_limits limits;
  limits.admission = *core::parse_client_rate("1000000/s", core::admission_settings{});
  limits.ledger = checked_ledger_settings();
  core::owned_cost_control costs(*fixture.store, limits, core::price_plan{}, "test", "free");
  core::generation_request request;
  request.prompt = "a lighthouse at dusk";
  request.size = "1024x1024";
  for (auto _ : state) {
    auto permit = bench::run_sync(fixture.io, costs.get().admit(request, "203.0.113.7"));
    if (!permit) {
      state.SkipWithError(permit.error().message.c_str());
      break;
    }
    bench::run_sync(fixture.io, costs.get().settle(std::move(*permit), 0.04, 1, false));
  }
}
BENCHMARK_CAPTURE(BM_CostControlAdmitSettle, fs, backend::fs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_CostControlAdmitSettle, azure, backend::azure)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  imaging::initialize(argv[0]);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
