// The blob_store contract (src/storage/blob_store.hpp): the same cases for every backend, through
// the interface only. "fs" is the embedded filesystem store; "azure" is azure_blob_store against a
// real Azurite (one per test binary run, started on first use; a fresh container per test).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/gallery_service.hpp"
#include "core/generation_service.hpp"
#include "core/idempotency.hpp"
#include "core/image_record.hpp"
#include "core/job_service.hpp"
#include "core/link_policy.hpp"
#include "core/model_catalog.hpp"
#include "core/naming.hpp"
#include "core/ports/blob_store.hpp"
#include "core/ports/image_provider.hpp"
#include "core/spend_ledger.hpp"
#include "imaging/image_codec.hpp"
#include "net/http_client.hpp"
#include "storage/azure_blob_store.hpp"
#include "storage/fs_blob_store.hpp"
#include "storage/sas.hpp"
#include "support/azurite.hpp"
#include "util/base64.hpp"
#include "util/text.hpp"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace visionary;
using core::blob_metadata;
using core::blob_store;
using core::byte_range;

constexpr auto operation_deadline =
    2min;  // far above any single store call; only a hang reaches it

// Runs coroutines on one io_context per test; the HTTP client's pooled connections live on it.
class coroutine_runner {
 public:
  template <class T>
  T run(asio::awaitable<T> operation) {
    auto future = asio::co_spawn(io_, std::move(operation), asio::use_future);
    io_.restart();
    io_.run_for(operation_deadline);
    if (future.wait_for(0s) != std::future_status::ready) {
      throw std::runtime_error("a store operation did not finish within the deadline");
    }
    return future.get();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
};

std::string binary_bytes(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(random() & 0xFF);
  return out;
}

std::vector<std::pair<std::string, std::string>> decoded_query(const std::string& url) {
  auto parsed = boost::urls::parse_uri_reference(url);
  EXPECT_TRUE(parsed.has_value()) << url;
  std::vector<std::pair<std::string, std::string>> out;
  if (!parsed) return out;
  for (const auto& p : parsed->params()) out.emplace_back(p.key, p.value);
  return out;
}

std::string query_value(const std::vector<std::pair<std::string, std::string>>& query,
                        std::string_view name) {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return {};
}

// A provider that answers every prompt with one small real PNG.
class png_provider final : public core::image_provider {
 public:
  explicit png_provider(std::string png) : png_(std::move(png)) {}
  asio::awaitable<outcome<core::generation_result>> generate(const core::generation_request&,
                                                             core::generation_watch&) override {
    ++calls;
    std::vector<core::generated_image> out;
    out.push_back(core::generated_image{png_, std::nullopt, std::nullopt});
    co_return core::generation_result{std::move(out), std::nullopt};
  }
  std::string_view name() const override { return "contract"; }
  std::string_view model() const override { return "contract-png-1"; }
  core::provider_kind kind() const override { return core::provider_kind::demo; }
  bool offline() const override { return true; }
  int calls = 0;

 private:
  std::string png_;
};

// Image names carry millisecond time: wait (bounded, no sleep) until the clock has moved past t so
// that the next image sorts strictly before the previous one.
void wait_past_millisecond(util::sys_time t) {
  const auto millis = util::unix_millis(t);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (util::unix_millis(std::chrono::system_clock::now()) <= millis) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the system clock does not advance");
  }
}

std::string make_png(int width, int height) {
  static const bool started = [] {
    imaging::initialize("visionary_unit_tests");
    return true;
  }();
  (void)started;
  std::vector<std::uint8_t> rgb(std::size_t(width) * height * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>(i * 7 % 251);
  auto png = imaging::encode_png_rgb(rgb, width, height);
  if (!png) throw std::runtime_error("encode_png_rgb failed: " + png.error().message);
  return *png;
}

class BlobStoreContract : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "fs") {
      dir_ =
          fs::temp_directory_path() / ("visionary-contract-" + test::unique_container_name("fs"));
      storage::fs_blob_store_options options;
      options.data_dir = dir_;
      options.signing_key = "contract-test-signing-key-0123456789";
      auto opened = storage::fs_blob_store::open(std::move(options), pool_);
      ASSERT_TRUE(opened.has_value()) << opened.error().message;
      fs_store_ = opened->get();
      store_ = std::move(*opened);
    } else {
      std::string why;
      azurite_ = test::shared_azurite(&why);
      ASSERT_NE(azurite_, nullptr) << why;
      container_ = test::unique_container_name("contract");
      auto opened =
          runner_.run(storage::azure_blob_store::open(azurite_->account(), container_, http_));
      ASSERT_TRUE(opened.has_value()) << opened.error().message << "\nAzurite output:\n"
                                      << azurite_->output();
      store_ = std::move(*opened);
    }
    ASSERT_EQ(store_->kind(), GetParam());
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  template <class T>
  T run(asio::awaitable<T> operation) {
    return runner_.run(std::move(operation));
  }

  void put_ok(const std::string& name, const std::string& bytes,
              const std::string& type = "application/octet-stream", blob_metadata metadata = {}) {
    const auto r = run(store_->put(name, bytes, type, std::move(metadata)));
    ASSERT_TRUE(r.has_value()) << name << ": " << r.error().message;
  }

  std::vector<std::string> names(const core::blob_page& page) {
    std::vector<std::string> out;
    for (const auto& item : page.items) out.push_back(item.name);
    return out;
  }

  // Every name under prefix, page by page; checks the paging rules on the way.
  std::vector<std::string> list_all(const std::string& prefix, int page_size,
                                    int* pages_out = nullptr) {
    std::vector<std::string> out;
    std::optional<std::string> marker;
    for (int pages = 1; pages <= 100; ++pages) {
      const auto page = run(store_->list(prefix, marker, page_size));
      EXPECT_TRUE(page.has_value()) << page.error().message;
      if (!page) return out;
      EXPECT_LE(page->items.size(), std::size_t(page_size)) << "page " << pages;
      for (const auto& item : page->items) out.push_back(item.name);
      if (!page->next_marker) {
        if (pages_out) *pages_out = pages;
        return out;
      }
      EXPECT_FALSE(page->next_marker->empty());
      marker = page->next_marker;
    }
    ADD_FAILURE() << "the listing never ended";
    return out;
  }

  // Generates one image for prompt and checks the gallery shows the prompt exactly.
  void expect_prompt_round_trip(const std::string& prompt) {
    png_provider provider(make_png(32, 32));
    core::gallery_service gallery(*store_);
    core::owned_cost_control costs(*store_, core::unlimited_limits(), core::price_plan{}, "test",
                                   "free");
    core::generation_service generation(provider, *store_, gallery, costs.get(), pool_,
                                        imaging::default_max_image_pixels);
    core::generation_request request;
    request.prompt = prompt;
    request.size = "64x48";
    const auto made = run(generation.generate(request, std::nullopt, "local"));
    ASSERT_TRUE(made.has_value()) << made.error().message;
    const auto page = run(gallery.list(10, std::nullopt));
    ASSERT_TRUE(page.has_value()) << page.error().message;
    ASSERT_EQ(page->images.size(), 1u);
    const std::string& listed = page->images[0].record.prompt;
    EXPECT_EQ(util::utf8_length(listed), util::utf8_length(prompt))
        << "characters shown by the gallery";
    EXPECT_TRUE(listed == prompt) << "the gallery does not show the prompt exactly as typed";
    const auto found = run(gallery.find(page->images[0].record.id));
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_TRUE(found->record.prompt == prompt)
        << "find() does not return the prompt exactly as typed";
  }

  // HTTP GET through the project's client, on the same io_context.
  net::http_response http_get(const std::string& url) {
    net::http_request request;
    request.url = url;
    request.timeout = 10s;
    auto response = run(
        [](net::http_client& http, net::http_request r) -> asio::awaitable<net::transport_result> {
          co_return co_await http.send(std::move(r));
        }(http_, std::move(request)));
    if (!response) throw std::runtime_error("GET " + url + " failed: " + response.error().message);
    return *response;
  }

  // Declared first so that everything using its io_context is destroyed before it.
  coroutine_runner runner_;
  asio::thread_pool pool_{2};
  net::http_client http_;
  std::unique_ptr<blob_store> store_;
  storage::fs_blob_store* fs_store_ = nullptr;
  test::azurite_process* azurite_ = nullptr;
  std::string container_;
  fs::path dir_;
};

TEST_P(BlobStoreContract, PutGetRoundTripKeepsBytesTypeAndMetadata) {
  core::image_record record;
  record.id = "8204999999999-k3j4h5g6m2";
  record.blob_name = "images/8204999999999_ein-fuchs_k3j4h5g6m2.png";
  record.thumbnail_blob = "thumbnails/8204999999999_ein-fuchs_k3j4h5g6m2.webp";
  record.prompt =
      "Ein Fuchs 🦊 im Schnee — «ünïcödé». _ / ? # 日本語 100% a+b=c & more";
  record.provider = "demo";
  record.model = "procedural-v1";
  record.width = 1024;
  record.height = 768;
  record.created_at = std::chrono::system_clock::now();
  const blob_metadata metadata = core::to_metadata(record);
  ASSERT_TRUE(core::validate_metadata(metadata).has_value())
      << "to_metadata makes Azure-safe metadata";

  const std::string bytes =
      "\x89PNG\r\n\x1a\n" + std::string("\0\xff\x01 binary", 10) + binary_bytes(5000, 1);
  put_ok(record.blob_name, bytes, "image/png", metadata);

  const auto got = run(store_->get(record.blob_name, std::nullopt));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->bytes.size(), bytes.size());
  EXPECT_TRUE(got->bytes == bytes) << "bytes differ";
  EXPECT_EQ(got->served_range, std::nullopt);
  EXPECT_EQ(got->properties.name, record.blob_name);
  EXPECT_EQ(got->properties.size, bytes.size());
  EXPECT_EQ(got->properties.content_type, "image/png");
  EXPECT_EQ(got->properties.metadata, metadata);
  EXPECT_FALSE(got->properties.etag.empty());
  EXPECT_GE(got->properties.etag.size(), 3u);
  EXPECT_EQ(got->properties.etag.front(), '"') << got->properties.etag;
  EXPECT_EQ(got->properties.etag.back(), '"') << got->properties.etag;
  const auto age = std::chrono::system_clock::now() - got->properties.last_modified;
  EXPECT_LT(age, 10min);
  EXPECT_GT(age, -10min);

  // The prompt survives exactly, through the metadata alone.
  auto rebuilt = core::from_blob(got->properties);
  ASSERT_TRUE(rebuilt.has_value());
  EXPECT_EQ(rebuilt->prompt, record.prompt);
  EXPECT_EQ(rebuilt->id, record.id);
  EXPECT_EQ(rebuilt->thumbnail_blob, record.thumbnail_blob);
  EXPECT_EQ(rebuilt->width, 1024);
  EXPECT_EQ(rebuilt->height, 768);

  // Listing reports the same properties as get.
  const auto listed = run(store_->list("images/", std::nullopt, 10));
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].name, record.blob_name);
  EXPECT_EQ(listed->items[0].size, bytes.size());
  EXPECT_EQ(listed->items[0].content_type, "image/png");
  EXPECT_EQ(listed->items[0].metadata, metadata);
  EXPECT_EQ(listed->items[0].etag, got->properties.etag);
}

TEST_P(BlobStoreContract, NamesWithReservedAndNonAsciiCharactersRoundTrip) {
  const std::vector<std::string> names{"gen/日 x#.png", "gen/a b+c&d=e?f%20g.png",
                                       "gen/ünï/çödé ~'()!*.webp"};
  for (std::size_t i = 0; i < names.size(); ++i)
    put_ok(names[i], "payload " + std::to_string(i), "text/plain");
  for (std::size_t i = 0; i < names.size(); ++i) {
    SCOPED_TRACE(names[i]);
    const auto got = run(store_->get(names[i], std::nullopt));
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->bytes, "payload " + std::to_string(i));
    EXPECT_EQ(got->properties.name, names[i]);
  }
  auto sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(list_all("gen/", 10), sorted);
  for (const auto& name : names) {
    const auto removed = run(store_->remove(name));
    EXPECT_TRUE(removed.has_value()) << name << ": " << removed.error().message;
  }
  EXPECT_TRUE(list_all("gen/", 10).empty());
}

TEST_P(BlobStoreContract, LargeBlobRoundTrip) {
  const std::string bytes = binary_bytes(6 * 1024 * 1024 + 123, 7);
  put_ok("big/blob.bin", bytes);
  const auto got = run(store_->get("big/blob.bin", std::nullopt));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->properties.size, bytes.size());
  EXPECT_TRUE(got->bytes == bytes) << "a 6 MiB blob comes back unchanged";
}

TEST_P(BlobStoreContract, GetWithByteRange) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += static_cast<char>('A' + i % 26);
  put_ok("ranges/r.bin", bytes, "application/octet-stream");

  const auto middle = run(store_->get("ranges/r.bin", byte_range{10, 19}));
  ASSERT_TRUE(middle.has_value()) << middle.error().message;
  EXPECT_EQ(middle->bytes, bytes.substr(10, 10));
  ASSERT_TRUE(middle->served_range.has_value());
  EXPECT_EQ(*middle->served_range, std::make_pair(std::uint64_t{10}, std::uint64_t{19}));
  EXPECT_EQ(middle->properties.size, 1000u) << "size is the whole blob's, not the range's";
  EXPECT_EQ(middle->properties.content_type, "application/octet-stream");

  const auto tail = run(store_->get("ranges/r.bin", byte_range{990, std::nullopt}));
  ASSERT_TRUE(tail.has_value()) << tail.error().message;
  EXPECT_EQ(tail->bytes, bytes.substr(990));
  ASSERT_TRUE(tail->served_range.has_value());
  EXPECT_EQ(*tail->served_range, std::make_pair(std::uint64_t{990}, std::uint64_t{999}));

  // A range running past the end is cut at the end.
  const auto past = run(store_->get("ranges/r.bin", byte_range{995, 5000}));
  ASSERT_TRUE(past.has_value()) << past.error().message;
  EXPECT_EQ(past->bytes, bytes.substr(995));
  ASSERT_TRUE(past->served_range.has_value());
  EXPECT_EQ(*past->served_range, std::make_pair(std::uint64_t{995}, std::uint64_t{999}));

  // The first 64 KB of a small blob (what the gallery reads for PNG text) is the whole blob.
  const auto head = run(store_->get("ranges/r.bin", byte_range{0, 64 * 1024 - 1}));
  ASSERT_TRUE(head.has_value()) << head.error().message;
  EXPECT_EQ(head->bytes, bytes);
}

TEST_P(BlobStoreContract, RangeStartingBeyondTheEndIsNotSatisfiable) {
  put_ok("ranges/short.bin", std::string(100, 'x'));
  const auto beyond = run(store_->get("ranges/short.bin", byte_range{5000, std::nullopt}));
  ASSERT_FALSE(beyond.has_value()) << "served " << beyond->bytes.size() << " bytes";
  EXPECT_EQ(beyond.error().kind, error_kind::range_not_satisfiable)
      << "both stores must report the same kind (416); got " << error_code(beyond.error().kind)
      << ": " << beyond.error().message;
}

TEST_P(BlobStoreContract, ListWithPrefixInNameOrder) {
  for (const char* name : {"b/x", "a/3", "a/1", "ab", "a/2", "a/10", "a/sub/z"}) {
    put_ok(name, std::string("content of ") + name, "text/plain");
  }
  const auto page = run(store_->list("a/", std::nullopt, 100));
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_EQ(names(*page), (std::vector<std::string>{"a/1", "a/10", "a/2", "a/3", "a/sub/z"}));
  EXPECT_FALSE(page->next_marker.has_value());
  for (const auto& item : page->items) {
    EXPECT_EQ(item.size, std::string("content of ").size() + item.name.size()) << item.name;
    EXPECT_EQ(item.content_type, "text/plain") << item.name;
    EXPECT_FALSE(item.etag.empty()) << item.name;
  }

  const auto all = run(store_->list("", std::nullopt, 100));
  ASSERT_TRUE(all.has_value()) << all.error().message;
  EXPECT_EQ(names(*all),
            (std::vector<std::string>{"a/1", "a/10", "a/2", "a/3", "a/sub/z", "ab", "b/x"}));

  const auto none = run(store_->list("zzz/", std::nullopt, 100));
  ASSERT_TRUE(none.has_value()) << none.error().message;
  EXPECT_TRUE(none->items.empty());
  EXPECT_FALSE(none->next_marker.has_value());
}

TEST_P(BlobStoreContract, PagingWithMarkerUntilExhausted) {
  std::vector<std::string> expected;
  for (int i = 0; i < 11; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "p/%02d.bin", 10 - i);  // written out of order
    put_ok(name, "x");
    expected.push_back(name);
  }
  put_ok("q/noise.bin", "x");
  put_ok("o/noise.bin", "x");
  std::sort(expected.begin(), expected.end());

  for (int page_size : {1, 3, 4, 11, 50}) {
    SCOPED_TRACE("page size " + std::to_string(page_size));
    int pages = 0;
    const auto listed = list_all("p/", page_size, &pages);
    EXPECT_EQ(listed, expected) << "in order, no duplicates, nothing missing";
    const std::set<std::string> unique(listed.begin(), listed.end());
    EXPECT_EQ(unique.size(), listed.size()) << "duplicates across pages";
    EXPECT_GE(pages, int((expected.size() + page_size - 1) / page_size));
    EXPECT_LE(pages, int(expected.size() / page_size + 1));
  }

  // The first page holds exactly max_results items and says there is more.
  const auto first = run(store_->list("p/", std::nullopt, 4));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(names(*first), (std::vector<std::string>(expected.begin(), expected.begin() + 4)));
  ASSERT_TRUE(first->next_marker.has_value());
  // Passing the marker back continues right after the first page.
  const auto second = run(store_->list("p/", first->next_marker, 4));
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(names(*second), (std::vector<std::string>(expected.begin() + 4, expected.begin() + 8)));
}

TEST_P(BlobStoreContract, RemoveThenGetIsNotFoundAndNotListed) {
  put_ok("r/keep.bin", "keep");
  put_ok("r/gone.bin", "gone", "image/png", {{"prompt", "x"}});
  const auto removed = run(store_->remove("r/gone.bin"));
  ASSERT_TRUE(removed.has_value()) << removed.error().message;

  const auto got = run(store_->get("r/gone.bin", std::nullopt));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, error_kind::not_found) << got.error().message;
  const auto ranged = run(store_->get("r/gone.bin", byte_range{0, 3}));
  ASSERT_FALSE(ranged.has_value());
  EXPECT_EQ(ranged.error().kind, error_kind::not_found) << ranged.error().message;
  EXPECT_EQ(list_all("r/", 10), (std::vector<std::string>{"r/keep.bin"}));

  const auto again = run(store_->remove("r/gone.bin"));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, error_kind::not_found) << again.error().message;
}

TEST_P(BlobStoreContract, RemoveOrGetOfAMissingBlobIsNotFound) {
  const auto removed = run(store_->remove("never/written.png"));
  ASSERT_FALSE(removed.has_value());
  EXPECT_EQ(removed.error().kind, error_kind::not_found) << removed.error().message;
  const auto got = run(store_->get("never/written.png", std::nullopt));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, error_kind::not_found) << got.error().message;
}

TEST_P(BlobStoreContract, OverwriteReplacesContentTypeAndMetadata) {
  put_ok("o/blob", "first version, longer", "image/png", {{"prompt", "one"}, {"width", "1"}});
  put_ok("o/blob", "second", "image/webp", {{"model", "two"}});
  const auto got = run(store_->get("o/blob", std::nullopt));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->bytes, "second");
  EXPECT_EQ(got->properties.size, 6u);
  EXPECT_EQ(got->properties.content_type, "image/webp");
  EXPECT_EQ(got->properties.metadata, (blob_metadata{{"model", "two"}}))
      << "old metadata does not linger";
  const auto page = run(store_->list("o/", std::nullopt, 10));
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].size, 6u);
  EXPECT_EQ(page->items[0].metadata, (blob_metadata{{"model", "two"}}));
}

TEST_P(BlobStoreContract, InvalidNamesAndMetadataAreRefusedBeforeAnyWrite) {
  for (const std::string& bad :
       {std::string(), std::string("a//b"), std::string("../x"), std::string("a/./b"),
        std::string("/lead"), std::string("ctl\x01"), std::string(1025, 'n')}) {
    const auto put = run(store_->put(bad, "x", "text/plain", {}));
    ASSERT_FALSE(put.has_value()) << "accepted the name '" << bad << "'";
    EXPECT_EQ(put.error().kind, error_kind::invalid_request) << put.error().message;
  }
  for (const blob_metadata& bad :
       {blob_metadata{{"has-hyphen", "x"}}, blob_metadata{{"ok", "caf\xc3\xa9"}},
        blob_metadata{{"big", std::string(9000, 'a')}}}) {
    const auto put = run(store_->put("m/blob", "x", "text/plain", bad));
    ASSERT_FALSE(put.has_value()) << "accepted metadata " << bad.begin()->first;
    // Metadata is made by code, never typed by a user: a refusal is a bug report (internal_error).
    EXPECT_TRUE(put.error().kind == error_kind::internal_error ||
                put.error().kind == error_kind::invalid_request)
        << error_code(put.error().kind) << ": " << put.error().message;
  }
  EXPECT_TRUE(list_all("", 100).empty()) << "nothing was written";
}

// get/remove with a name that put would refuse reach nothing: no dot-segment walks to another blob.
TEST_P(BlobStoreContract, GetAndRemoveOfInvalidNamesTouchNothing) {
  put_ok("victim/blob.bin", "precious", "text/plain");
  for (const std::string& bad :
       {std::string("x/../victim/blob.bin"), std::string("victim/./blob.bin"),
        std::string("victim//blob.bin"), std::string("./victim/blob.bin"),
        std::string("victim/blob.bin/."), std::string("")}) {
    SCOPED_TRACE("name '" + bad + "'");
    const auto got = run(store_->get(bad, std::nullopt));
    ASSERT_FALSE(got.has_value()) << "read " << got->bytes.size() << " bytes ("
                                  << got->bytes.substr(0, 20) << ") through an invalid name";
    EXPECT_TRUE(got.error().kind == error_kind::not_found ||
                got.error().kind == error_kind::invalid_request)
        << error_code(got.error().kind) << ": " << got.error().message;
    const auto removed = run(store_->remove(bad));
    EXPECT_FALSE(removed.has_value()) << "removed something through an invalid name";
    if (!removed) {
      EXPECT_TRUE(removed.error().kind == error_kind::not_found ||
                  removed.error().kind == error_kind::invalid_request)
          << error_code(removed.error().kind) << ": " << removed.error().message;
    }
    const auto victim = run(store_->get("victim/blob.bin", std::nullopt));
    ASSERT_TRUE(victim.has_value()) << "victim/blob.bin is gone: " << victim.error().message;
    EXPECT_EQ(victim->bytes, "precious");
  }
}

TEST_P(BlobStoreContract, ReadLinkServesExactlyThatBlobReadOnly) {
  const std::string name = "images/8204999999999_link_ab12cd34ef.png";
  const std::string bytes = "\x89PNG\r\n\x1a\n" + binary_bytes(3000, 3);
  put_ok(name, bytes, "image/png");
  put_ok("images/other.png", "other", "image/png");
  const auto now = std::chrono::system_clock::now();
  const auto expiry = core::coarse_link_expiry(now);
  ASSERT_LE(expiry - now, core::max_link_lifetime);

  const auto link = store_->read_link(name, "image/png", expiry);
  EXPECT_EQ(link.expires_at, expiry);
  const auto query = decoded_query(link.url);
  EXPECT_EQ(query_value(query, "sr"), "b");
  EXPECT_EQ(query_value(query, "sp"), "r") << "read only: " << link.url;
  EXPECT_EQ(query_value(query, "sv"), storage::storage_api_version);
  EXPECT_EQ(query_value(query, "se"), util::format_iso_seconds(expiry));
  EXPECT_FALSE(query_value(query, "sig").empty());
  EXPECT_EQ(query_value(query, "rsct"), "image/png");
  // The same inputs give the same link (cache-friendly).
  EXPECT_EQ(store_->read_link(name, "image/png", expiry).url, link.url);

  if (GetParam() == "fs") {
    const auto verified = fs_store_->verify_link(fs_store_->container(), name, query, now);
    ASSERT_TRUE(verified.has_value()) << verified.error().message << " for " << link.url;
    EXPECT_EQ(verified->expires_at, std::chrono::time_point_cast<std::chrono::seconds>(expiry));
    EXPECT_EQ(verified->content_type, "image/png");
    const auto other =
        fs_store_->verify_link(fs_store_->container(), "images/other.png", query, now);
    ASSERT_FALSE(other.has_value()) << "the link opens another blob";
    EXPECT_EQ(other.error().kind, error_kind::forbidden);
    const auto late = fs_store_->verify_link(fs_store_->container(), name, query, expiry + 1s);
    ASSERT_FALSE(late.has_value()) << "the link outlives its expiry";
    EXPECT_EQ(late.error().kind, error_kind::forbidden);
    return;
  }

  ASSERT_TRUE(link.url.starts_with(azurite_->blob_endpoint() + "/" + container_ + "/")) << link.url;
  const auto response = http_get(link.url);
  ASSERT_EQ(response.status, 200u) << response.body << "\nlink: " << link.url;
  EXPECT_TRUE(response.body == bytes) << "the link serves the blob's bytes";
  EXPECT_EQ(response.header("Content-Type").value_or(""), "image/png");
  const std::string cache_control(response.header("Cache-Control").value_or(""));
  std::smatch match;
  ASSERT_TRUE(std::regex_match(cache_control, match, std::regex(R"(private, max-age=(\d+))")))
      << cache_control;
  const int max_age = std::stoi(match[1].str());
  EXPECT_GT(max_age, 0);
  EXPECT_LE(max_age, 1800) << "never cached beyond the 30-minute link lifetime";

  // The same signature does not open another blob, and a tampered one opens nothing.
  const std::string base = azurite_->blob_endpoint() + "/" + container_ + "/";
  const std::string sas = link.url.substr(link.url.find('?'));
  const auto other = http_get(base + "images/other.png" + sas);
  EXPECT_EQ(other.status, 403u) << other.body;
  std::string tampered = link.url;
  const auto sig_at = tampered.find("sig=") + 4;
  tampered[sig_at] = tampered[sig_at] == 'A' ? 'B' : 'A';
  EXPECT_EQ(http_get(tampered).status, 403u);
}

// generation_service → store → gallery_service, with a provider that returns a real PNG.
TEST_P(BlobStoreContract, GenerationPipelineListsNewestFirstAndRemovesBothBlobs) {
  png_provider provider(make_png(64, 48));
  core::gallery_service gallery(*store_);
  core::owned_cost_control costs(*store_, core::unlimited_limits(), core::price_plan{}, "test",
                                 "free");
  core::generation_service generation(provider, *store_, gallery, costs.get(), pool_,
                                      imaging::default_max_image_pixels);

  const std::string first_prompt = "Erste Katze — «café» 🐈 . _ / ? #";
  const std::string second_prompt = "second: 日本の狐 at dawn";
  core::generation_request request;
  request.prompt = first_prompt;
  request.size = "64x48";
  const auto first = run(generation.generate(request, std::nullopt, "local"));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_EQ(first->size(), 1u);
  wait_past_millisecond((*first)[0].record.created_at);
  request.prompt = second_prompt;
  const auto second = run(generation.generate(request, std::nullopt, "local"));
  ASSERT_TRUE(second.has_value()) << second.error().message;
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(provider.calls, 2);

  const auto page = run(gallery.list(10, std::nullopt));
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->images.size(), 2u);
  EXPECT_FALSE(page->next_cursor.has_value());
  const auto& newest = page->images[0].record;
  const auto& oldest = page->images[1].record;
  EXPECT_EQ(newest.id, (*second)[0].record.id) << "newest first";
  EXPECT_EQ(oldest.id, (*first)[0].record.id);
  EXPECT_EQ(newest.prompt, second_prompt);
  EXPECT_EQ(oldest.prompt, first_prompt);
  for (const auto& view : page->images) {
    const auto& r = view.record;
    SCOPED_TRACE(r.blob_name);
    EXPECT_TRUE(r.blob_name.starts_with(core::image_prefix));
    EXPECT_TRUE(r.thumbnail_blob.starts_with(core::thumbnail_prefix))
        << "has a thumbnail: " << r.thumbnail_blob;
    EXPECT_EQ(r.provider, "contract");
    EXPECT_EQ(r.model, "contract-png-1");
    EXPECT_EQ(r.width, 64);
    EXPECT_EQ(r.height, 48);
    EXPECT_EQ(r.content_type, "image/png");
    EXPECT_FALSE(r.revised_prompt.has_value());
    EXPECT_LT(std::chrono::system_clock::now() - r.created_at, 5min);
    EXPECT_FALSE(view.image_link.url.empty());
    EXPECT_FALSE(view.thumbnail_link.url.empty());
    EXPECT_NE(view.image_link.url, view.thumbnail_link.url);

    const auto image = run(store_->get(r.blob_name, std::nullopt));
    ASSERT_TRUE(image.has_value()) << image.error().message;
    EXPECT_EQ(image->bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
    EXPECT_EQ(image->bytes.size(), r.bytes);
    EXPECT_EQ(image->properties.content_type, "image/png");
    const auto thumb = run(store_->get(r.thumbnail_blob, std::nullopt));
    ASSERT_TRUE(thumb.has_value()) << thumb.error().message;
    EXPECT_EQ(thumb->properties.content_type, "image/webp");
    ASSERT_GE(thumb->bytes.size(), 12u);
    EXPECT_EQ(thumb->bytes.substr(0, 4), "RIFF");
    EXPECT_EQ(thumb->bytes.substr(8, 4), "WEBP");
  }

  // Look-up by id, then removal of the older image: both of its blobs go, the newer one stays.
  const auto found = run(gallery.find(oldest.id));
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_EQ(found->record.prompt, first_prompt);
  const std::string gone_image = oldest.blob_name;
  const std::string gone_thumb = oldest.thumbnail_blob;
  const std::string gone_id = oldest.id;
  const auto removed = run(gallery.remove(gone_id));
  ASSERT_TRUE(removed.has_value()) << removed.error().message;
  for (const auto& blob : {gone_image, gone_thumb}) {
    const auto got = run(store_->get(blob, std::nullopt));
    ASSERT_FALSE(got.has_value()) << blob << " is still stored";
    EXPECT_EQ(got.error().kind, error_kind::not_found);
  }
  const auto after = run(gallery.list(10, std::nullopt));
  ASSERT_TRUE(after.has_value()) << after.error().message;
  ASSERT_EQ(after->images.size(), 1u);
  EXPECT_EQ(after->images[0].record.prompt, second_prompt);
  EXPECT_EQ(list_all(std::string(core::thumbnail_prefix), 10).size(), 1u);
  const auto missing = run(gallery.find(gone_id));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, error_kind::not_found);
}

// Prompts too long for the metadata budget come back in full from the PNG's text chunk, which the
// gallery finds with a ranged read of the blob's head.
std::string repeat_to(std::string_view sentence, std::size_t sentence_chars, std::size_t chars) {
  std::string out;
  for (std::size_t have = 0; have + sentence_chars <= chars; have += sentence_chars)
    out += sentence;
  return out;
}

TEST_P(BlobStoreContract, LongPromptBeyondTheMetadataBudgetComesBackInFull) {
  // 4000 characters (the dall-e-3 and demo limit), 3 UTF-8 bytes each: 36 KB percent-encoded.
  const std::string prompt = repeat_to("日本の狐が雪の中を走る。", 12, 4000);
  ASSERT_EQ(util::utf8_length(prompt), 3996u);
  ASSERT_GT(util::percent_encode(prompt).size(), core::prompt_metadata_budget);
  expect_prompt_round_trip(prompt);
}

TEST_P(BlobStoreContract, LongestGptImagePromptComesBackInFull) {
  // gpt-image-1 accepts 32000 characters (model_catalog.cpp); in Japanese that is ~96 KB of UTF-8.
  ASSERT_EQ(core::capabilities_for(core::provider_kind::openai, "gpt-image-1").max_prompt_chars,
            32000u);
  const std::string prompt = repeat_to("日本の狐が雪の中を走る。", 12, 32000);
  ASSERT_EQ(util::utf8_length(prompt), 31992u);
  expect_prompt_round_trip(prompt);
}

TEST_P(BlobStoreContract, GalleryPagesWithCursors) {
  png_provider provider(make_png(16, 16));
  core::gallery_service gallery(*store_);
  core::owned_cost_control costs(*store_, core::unlimited_limits(), core::price_plan{}, "test",
                                 "free");
  core::generation_service generation(provider, *store_, gallery, costs.get(), pool_,
                                      imaging::default_max_image_pixels);
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 5; ++i) {
    core::generation_request request;
    request.prompt = "picture " + std::to_string(i);
    request.size = "64x48";
    const auto made = run(generation.generate(request, std::nullopt, "local"));
    ASSERT_TRUE(made.has_value()) << made.error().message;
    ids.push_back((*made)[0].record.id);
    wait_past_millisecond((*made)[0].record.created_at);
  }
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  for (int pages = 0; pages < 10; ++pages) {
    const auto page = run(gallery.list(2, cursor));
    ASSERT_TRUE(page.has_value()) << page.error().message;
    EXPECT_LE(page->images.size(), 2u);
    for (const auto& view : page->images) seen.push_back(view.record.id);
    if (!page->next_cursor) break;
    cursor = page->next_cursor;
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "no image twice";
  std::vector<std::string> sorted_ids = ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  std::vector<std::string> sorted_seen = seen;
  std::sort(sorted_seen.begin(), sorted_seen.end());
  EXPECT_EQ(sorted_seen, sorted_ids) << "every image once";
  // Newest first: ids start with inverted milliseconds, so they ascend down the pages.
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

// --- conditional writes and the shared spending ledger ----------------------------------------

TEST_P(BlobStoreContract, ConditionalWritesHonourEtagAndAbsence) {
  const std::string name = "ledger/days/2026-12-02.json";
  auto first = run(store_->put_if(name, "{\"v\":1}", "application/json", {}, {std::nullopt, true}));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  auto again = run(store_->put_if(name, "{\"v\":2}", "application/json", {}, {std::nullopt, true}));
  ASSERT_FALSE(again.has_value()) << "create-if-absent must refuse an existing blob";
  EXPECT_EQ(again.error().kind, error_kind::precondition_failed) << again.error().message;

  const auto read = run(store_->get(name, std::nullopt));
  ASSERT_TRUE(read.has_value());
  const std::string etag = read->properties.etag;
  auto matched = run(store_->put_if(name, "{\"v\":3}", "application/json", {}, {etag, false}));
  ASSERT_TRUE(matched.has_value()) << matched.error().message;
  auto stale = run(store_->put_if(name, "{\"v\":4}", "application/json", {}, {etag, false}));
  ASSERT_FALSE(stale.has_value()) << "a write with the old ETag must lose";
  EXPECT_EQ(stale.error().kind, error_kind::precondition_failed);
  EXPECT_EQ(run(store_->get(name, std::nullopt))->bytes, "{\"v\":3}");
}

// Forty generations on two replicas (two ledgers over one store) race for a budget that covers
// ten: every reservation is a read-modify-write of one blob, so only optimistic concurrency keeps
// the total within the budget.
TEST_P(BlobStoreContract, ConcurrentReservationsNeverExceedTheBudget) {
  core::ledger_settings settings;
  settings.daily_budget_usd = 1.0;
  settings.client_daily_images = 0;
  core::spend_ledger ledger(*store_, settings);
  core::spend_ledger other_replica(*store_, settings);
  const auto now = std::chrono::system_clock::now();
  std::vector<std::future<outcome<core::reservation>>> racing;
  for (int i = 0; i < 40; ++i) {
    auto& replica = i % 2 == 0 ? ledger : other_replica;
    racing.push_back(asio::co_spawn(runner_.io(),
                                    replica.reserve("client-" + std::to_string(i), 1, 0.1, now),
                                    asio::use_future));
  }
  runner_.io().restart();
  runner_.io().run_for(operation_deadline);
  int granted = 0, refused = 0;
  for (auto& result : racing) {
    ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
    auto outcome = result.get();
    if (outcome) {
      ++granted;
    } else {
      EXPECT_EQ(outcome.error().kind, error_kind::budget_exhausted) << outcome.error().message;
      EXPECT_GT(outcome.error().retry_after_seconds.value_or(0), 0);
      ++refused;
    }
  }
  EXPECT_EQ(granted, 10);
  EXPECT_EQ(refused, 30);
  const auto stored =
      run(store_->get(core::spend_ledger::blob_name(ledger.day_of(now)), std::nullopt));
  ASSERT_TRUE(stored.has_value());
  const auto day = core::ledger_day_from_json(stored->bytes);
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(day->reservations.size(), 10u);
  EXPECT_NEAR(day->reserved_usd(), 1.0, 1e-9);
}

// Hundreds of generations at once on one replica: its own updates take turns instead of racing
// each other for the blob, so none gives up as "too busy" and all are recorded.
TEST_P(BlobStoreContract, ManyReservationsAtOnceOnOneReplicaAreAllGranted) {
  core::ledger_settings settings;
  settings.client_daily_images = 0;
  core::spend_ledger ledger(*store_, settings);
  const auto now = std::chrono::system_clock::now();
  constexpr int many = 300;
  std::vector<std::future<outcome<core::reservation>>> at_once;
  for (int i = 0; i < many; ++i) {
    at_once.push_back(asio::co_spawn(runner_.io(),
                                     ledger.reserve("client-" + std::to_string(i), 1, 0.01, now),
                                     asio::use_future));
  }
  runner_.io().restart();
  runner_.io().run_for(operation_deadline);
  for (auto& result : at_once) {
    ASSERT_EQ(result.wait_for(0s), std::future_status::ready);
    const auto reserved = result.get();
    EXPECT_TRUE(reserved.has_value()) << reserved.error().message;
  }
  const auto stored =
      run(store_->get(core::spend_ledger::blob_name(ledger.day_of(now)), std::nullopt));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(core::ledger_day_from_json(stored->bytes)->reservations.size(), std::size_t(many));
}

TEST_P(BlobStoreContract, SettlingReplacesTheReservationByWhatWasSpent) {
  core::ledger_settings settings;
  settings.daily_budget_usd = 1.0;
  settings.client_daily_images = 5;
  core::spend_ledger ledger(*store_, settings);
  const auto now = std::chrono::system_clock::now();
  auto big = run(ledger.reserve("10.0.0.1", 4, 0.9, now));
  ASSERT_TRUE(big.has_value()) << big.error().message;
  auto over = run(ledger.reserve("10.0.0.2", 1, 0.2, now));
  ASSERT_FALSE(over.has_value()) << "0.9 reserved + 0.2 is over the 1.0 budget";
  EXPECT_EQ(over.error().kind, error_kind::budget_exhausted);

  // The answer cost far less than its worst case, and a failure costs nothing.
  run(ledger.settle(*big, core::settlement{0.15, 4, false, "gpt-image-1"}, now));
  auto failed = run(ledger.reserve("10.0.0.2", 1, 0.2, now));
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  run(ledger.settle(*failed, core::settlement{0, 0, true, "gpt-image-1"}, now));

  auto quota = run(ledger.snapshot("10.0.0.1", now));
  ASSERT_TRUE(quota.has_value());
  EXPECT_NEAR(quota->spent_usd, 0.15, 1e-9);
  EXPECT_NEAR(quota->reserved_usd, 0, 1e-9);
  EXPECT_EQ(quota->images_left_today, 1);
  EXPECT_EQ(run(ledger.snapshot("10.0.0.2", now))->images_left_today, 5);

  // The client's sixth image is refused (n counts), with the time until the day starts again.
  auto sixth = run(ledger.reserve("10.0.0.1", 2, 0.01, now));
  ASSERT_FALSE(sixth.has_value());
  EXPECT_EQ(sixth.error().kind, error_kind::daily_quota_exhausted);
  const auto until_reset =
      std::chrono::duration_cast<std::chrono::seconds>(ledger.next_reset(now) - now);
  EXPECT_NEAR(sixth.error().retry_after_seconds.value_or(0), until_reset.count(), 1);

  const auto stored =
      run(store_->get(core::spend_ledger::blob_name(ledger.day_of(now)), std::nullopt));
  const auto day = core::ledger_day_from_json(stored->bytes);
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(day->failures, 1);
  EXPECT_EQ(day->images, 4);
  EXPECT_EQ(day->models.at("gpt-image-1").images, 4);
  EXPECT_EQ(day->models.at("gpt-image-1").failures, 1);
  for (const auto& [key, count] : day->client_images) {
    EXPECT_EQ(key.find("10.0.0"), std::string::npos) << "addresses are stored as digests only";
  }
}

TEST_P(BlobStoreContract, AReservationThatNeverSettlesExpires) {
  core::ledger_settings settings;
  settings.daily_budget_usd = 1.0;
  settings.reservation_lifetime = 60s;
  core::spend_ledger ledger(*store_, settings);
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(run(ledger.reserve("10.0.0.1", 1, 1.0, now)).has_value());
  EXPECT_FALSE(run(ledger.reserve("10.0.0.1", 1, 0.5, now + 30s)).has_value());
  // Its replica died: a minute later the money is free again.
  EXPECT_TRUE(run(ledger.reserve("10.0.0.1", 1, 0.5, now + 61s)).has_value());
}

// --- idempotency keys ---------------------------------------------------------------------------

TEST_P(BlobStoreContract, AnIdempotencyKeyIsClaimedOnceAndAnswersWithTheFirstImages) {
  core::idempotency_records records(*store_, core::idempotency_settings{0s, 900s});
  auto first = run(records.claim("key-1", "fingerprint-a"));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(first->owned);

  // While the first runs, a duplicate (no wait allowed here) is told so; another request is
  // refused.
  auto duplicate = run(records.claim("key-1", "fingerprint-a"));
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().kind, error_kind::idempotency_in_progress);
  EXPECT_GT(duplicate.error().retry_after_seconds.value_or(0), 0);
  auto other = run(records.claim("key-1", "fingerprint-b"));
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().kind, error_kind::idempotency_key_reused);

  run(records.complete(*first, {"id-1", "id-2"}));
  auto replay = run(records.claim("key-1", "fingerprint-a"));
  ASSERT_TRUE(replay.has_value()) << replay.error().message;
  EXPECT_FALSE(replay->owned);
  EXPECT_EQ(replay->earlier_ids, (std::vector<std::string>{"id-1", "id-2"}));
  auto again = run(records.claim("key-1", "fingerprint-a", true));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->owned) << "a finished record whose images are gone may be taken over";
}

TEST_P(BlobStoreContract, AFailedGenerationFreesItsIdempotencyKey) {
  core::idempotency_records records(*store_, core::idempotency_settings{0s, 900s});
  auto first = run(records.claim("key-2", "fp"));
  ASSERT_TRUE(first && first->owned);
  run(records.abandon(*first));
  auto retry = run(records.claim("key-2", "fp"));
  ASSERT_TRUE(retry.has_value()) << retry.error().message;
  EXPECT_TRUE(retry->owned);
}

TEST_P(BlobStoreContract, ConcurrentClaimsOfOneKeyHaveOneOwner) {
  core::idempotency_records records(*store_, core::idempotency_settings{0s, 900s});
  std::vector<std::future<outcome<core::idempotency_claim>>> racing;
  for (int i = 0; i < 12; ++i) {
    racing.push_back(asio::co_spawn(runner_.io(), records.claim("key-3", "fp"), asio::use_future));
  }
  runner_.io().restart();
  runner_.io().run_for(operation_deadline);
  int owners = 0, waiting = 0;
  for (auto& claim : racing) {
    ASSERT_EQ(claim.wait_for(0s), std::future_status::ready);
    auto result = claim.get();
    if (result && result->owned) ++owners;
    if (!result && result.error().kind == error_kind::idempotency_in_progress) ++waiting;
  }
  EXPECT_EQ(owners, 1);
  EXPECT_EQ(waiting, 11);
}

TEST_P(BlobStoreContract, ExpiredIdempotencyRecordsAreSweptAndMayBeReused) {
  const std::string name = core::idempotency_records::blob_name("old-key");
  const std::string old_record =
      R"({"state":"done","fingerprint":"fp-old","ids":["x"],"createdAt":"2020-01-01T00:00:00.000Z"})";
  put_ok(name, old_record, "application/json");
  core::idempotency_records records(*store_, core::idempotency_settings{0s, 900s});
  auto reused = run(records.claim("old-key", "fp-new"));
  ASSERT_TRUE(reused.has_value()) << "a day-old record does not block a new request";
  EXPECT_TRUE(reused->owned);

  // A sweep a day later deletes what is older than the window.
  run(records.sweep(std::chrono::system_clock::now() + 25h));
  EXPECT_EQ(run(store_->get(name, std::nullopt)).error().kind, error_kind::not_found);
  const auto listed = run(store_->list("idempotency/", std::nullopt, 10));
  ASSERT_TRUE(listed.has_value());
  EXPECT_TRUE(listed->items.empty())
      << "gone from the listing (and the embedded store's index) too";
}

// Job records older than a day are swept when the next job is submitted; younger ones stay, and
// the new job runs to its end, readable from its record once it is no longer live.
TEST_P(BlobStoreContract, JobRecordsOlderThanADayAreSweptOnTheNextSubmission) {
  const auto now = std::chrono::system_clock::now();
  const auto stored_job = [&](std::chrono::hours age, core::job_status status) {
    core::job_record record;
    record.created_at = now - age;
    record.id = core::make_job_id(record.created_at);
    record.status = status;
    record.request.prompt = "an old job";
    record.request.size = "64x48";
    put_ok(core::job_blob_name(record.id), core::job_record_json(record), "application/json");
    return record.id;
  };
  const auto expired = stored_job(25h, core::job_status::succeeded);
  const auto kept = stored_job(1h, core::job_status::failed);

  png_provider provider(make_png(32, 32));
  core::gallery_service gallery(*store_);
  core::owned_cost_control costs(*store_, core::unlimited_limits(), core::price_plan{}, "test",
                                 "free");
  core::generation_service generation(provider, *store_, gallery, costs.get(), pool_,
                                      imaging::default_max_image_pixels);
  core::gallery_feed feed(runner_.io().get_executor(), *store_, gallery, core::feed_settings{});
  core::job_service jobs(runner_.io().get_executor(), generation, gallery, *store_, feed, pool_,
                         core::job_settings{});
  core::generation_request request;
  request.prompt = "a new job";
  request.size = "64x48";
  const auto submitted = run(jobs.submit(request, "local"));  // runs until the job has ended
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;

  const auto ended = run(jobs.find(submitted->record.id));
  ASSERT_TRUE(ended.has_value()) << ended.error().message;
  EXPECT_EQ(ended->record.status, core::job_status::succeeded);
  ASSERT_EQ(ended->images.size(), 1u);
  EXPECT_EQ(run(jobs.find(expired)).error().kind, error_kind::not_found);
  EXPECT_EQ(run(store_->get(core::job_blob_name(expired), std::nullopt)).error().kind,
            error_kind::not_found);
  const auto young = run(jobs.find(kept));
  ASSERT_TRUE(young.has_value()) << young.error().message;
  EXPECT_EQ(young->record.status, core::job_status::failed);
}

INSTANTIATE_TEST_SUITE_P(Stores, BlobStoreContract,
                         testing::Values(std::string("fs"), std::string("azure")),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// ---------------------------------------------------------------- Azure-only behaviour

class AzureBlobStore : public testing::Test {
 protected:
  template <class T>
  T run(asio::awaitable<T> operation) {
    return runner_.run(std::move(operation));
  }
  coroutine_runner runner_;
  net::http_client http_;
};

TEST_F(AzureBlobStore, OpenAcceptsAnExistingContainer) {
  std::string why;
  auto* azurite = test::shared_azurite(&why);
  ASSERT_NE(azurite, nullptr) << why;
  const std::string container = test::unique_container_name("reopen");
  auto first = run(storage::azure_blob_store::open(azurite->account(), container, http_));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_TRUE(run((*first)->put("a/b.txt", "kept", "text/plain", {})).has_value());
  auto second = run(storage::azure_blob_store::open(azurite->account(), container, http_));
  ASSERT_TRUE(second.has_value())
      << "a container that exists (409 ContainerAlreadyExists) is fine: " << second.error().message;
  const auto got = run((*second)->get("a/b.txt", std::nullopt));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->bytes, "kept") << "re-opening keeps the content";
  EXPECT_EQ((*second)->kind(), "azure");
}

TEST_F(AzureBlobStore, WrongAccountKeyIsRejectedAtOpenWithoutEchoingIt) {
  std::string why;
  auto* azurite = test::shared_azurite(&why);
  ASSERT_NE(azurite, nullptr) << why;
  auto account = azurite->account();
  account.key = std::string(64, '\0');  // valid, but not the account's key
  const auto opened =
      run(storage::azure_blob_store::open(account, test::unique_container_name("badkey"), http_));
  ASSERT_FALSE(opened.has_value()) << "Azurite accepted a wrong key";
  const std::string message = opened.error().message;
  EXPECT_NE(message.find("rejected"), std::string::npos) << message;
  EXPECT_NE(message.find("AccountKey"), std::string::npos) << message;
  EXPECT_EQ(message.find(util::base64_encode(account.key)), std::string::npos) << message;
  EXPECT_EQ(message.find(std::string(test::azurite_key)), std::string::npos) << message;
}

TEST_F(AzureBlobStore, UnreachableEndpointIsStorageUnavailable) {
  // A loopback port nobody listens on: bound, then released.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const unsigned port = ntohs(address.sin_port);
  ::close(fd);

  auto account = storage::parse_connection_string(
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
      std::string(test::azurite_key) + ";BlobEndpoint=http://127.0.0.1:" + std::to_string(port) +
      "/devstoreaccount1");
  ASSERT_TRUE(account.has_value()) << account.error().message;
  const auto opened = run(storage::azure_blob_store::open(*account, "unreachable", http_));
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().kind, error_kind::storage_unavailable) << opened.error().message;
}

}  // namespace
