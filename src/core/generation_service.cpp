#include "core/generation_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/naming.hpp"
#include "imaging/image_codec.hpp"
#include "util/blocking.hpp"
#include "util/crypto.hpp"

namespace visionary::core {

namespace {

constexpr auto idempotency_window = std::chrono::hours{24};

std::string request_fingerprint(const core::generation_request& r) {
  const std::string canonical = r.prompt + '\0' + r.size + '\0' + r.quality.value_or("") + '\0' +
                                r.style.value_or("") + '\0' + std::to_string(r.n);
  return util::hex_encode(util::sha256(canonical));
}

}  // namespace

generation_service::generation_service(core::image_provider& provider, core::blob_store& store,
                                       gallery_service& gallery, cost_control& costs,
                                       boost::asio::thread_pool& blocking_pool)
    : provider_(provider),
      store_(store),
      gallery_(gallery),
      costs_(costs),
      blocking_pool_(blocking_pool) {}

boost::asio::awaitable<void> generation_service::roll_back(
    const std::vector<std::string>& blob_names) {
  // Images before thumbnails, mirroring the write order in reverse.
  for (auto it = blob_names.rbegin(); it != blob_names.rend(); ++it) {
    if (auto removed = co_await store_.remove(*it); !removed) {
      spdlog::error("could not roll back {}: {}", *it, removed.error().message);
    }
  }
}

boost::asio::awaitable<outcome<std::optional<std::vector<image_view>>>> generation_service::replay(
    const std::string& record_name, const std::string& fingerprint) {
  using result = std::optional<std::vector<image_view>>;
  auto record = co_await store_.get(record_name, std::nullopt);
  if (!record) {
    if (record.error().kind == error_kind::not_found) co_return result{};
    co_return record.error();
  }
  boost::system::error_code ec;
  const auto json = boost::json::parse(record->bytes, ec);
  if (ec || !json.is_object()) co_return result{};
  const auto& o = json.as_object();
  const auto* created = o.if_contains("createdAt");
  const auto created_at =
      created && created->is_string() ? util::parse_iso_utc(created->as_string()) : std::nullopt;
  if (!created_at || std::chrono::system_clock::now() - *created_at > idempotency_window)
    co_return result{};
  const auto* stored_fingerprint = o.if_contains("fingerprint");
  if (!stored_fingerprint || !stored_fingerprint->is_string() ||
      stored_fingerprint->as_string() != fingerprint) {
    co_return make_error(
        error_kind::idempotency_key_reused,
        "This Idempotency-Key was already used for a different request; use a new key.");
  }
  std::vector<image_view> views;
  if (const auto* ids = o.if_contains("ids"); ids && ids->is_array()) {
    for (const auto& id : ids->as_array()) {
      if (!id.is_string()) continue;
      if (auto found = co_await gallery_.find(std::string(id.as_string())))
        views.push_back(std::move(*found));
    }
  }
  if (views.empty()) co_return result{};  // the earlier images were deleted: generate anew
  co_return result{std::move(views)};
}

image_record generation_service::new_record(const generation_request& request,
                                            const generated_image& image) const {
  image_record record;
  record.created_at = std::chrono::system_clock::now();
  const auto names =
      make_image_names(record.created_at, request.prompt, util::random_token(token_length));
  record.id = names.id;
  record.blob_name = names.image_blob;
  record.thumbnail_blob = names.thumbnail_blob;
  record.prompt = request.prompt;
  record.revised_prompt = image.revised_prompt;
  record.provider = provider_.name();
  record.model = provider_.model();
  return record;
}

// Proves the answer is an image, then writes its thumbnail and the image itself, last, so that a
// listed image is always complete. Names of what was written are appended to `written`.
boost::asio::awaitable<outcome<image_record>> generation_service::store_image(
    const generation_request& request, generated_image& image, const image_usage& billed,
    std::vector<std::string>& written) {
  image_record record = new_record(request, image);
  record.cost_usd = billed.cost_usd;
  record.usage = billed.usage;
  const std::string text = png_text_json(record);
  auto prepared = co_await util::run_blocking(blocking_pool_, [&]() {
    return imaging::prepare_image(image.bytes, png_text_keyword, text);
  });
  if (!prepared) co_return prepared.error();
  image.bytes.clear();
  record.width = prepared->width;
  record.height = prepared->height;
  record.bytes = prepared->png.size();
  if (auto put = co_await store_.put(record.thumbnail_blob, std::move(prepared->thumbnail_webp),
                                     "image/webp", {});
      !put) {
    co_return put.error();
  }
  written.push_back(record.thumbnail_blob);
  if (auto put = co_await store_.put(record.blob_name, std::move(prepared->png), "image/png",
                                     to_metadata(record));
      !put) {
    co_return put.error();
  }
  written.push_back(record.blob_name);
  co_return record;
}

// Stores every generated image, or none: on any failure what was written is removed again.
boost::asio::awaitable<outcome<std::vector<image_record>>> generation_service::store_all(
    const generation_request& request, generation_result& answer, double cost_usd) {
  std::vector<image_record> records;
  std::vector<std::string> written;
  for (auto& image : answer.images) {
    image_usage billed{cost_usd / double(answer.images.size()), answer.usage};
    auto record = co_await store_image(request, image, billed, written);
    if (!record) {
      co_await roll_back(written);
      co_return record.error();
    }
    records.push_back(std::move(*record));
  }
  co_return records;
}

boost::asio::awaitable<void> generation_service::remember(const idempotency_record& key,
                                                          const std::vector<image_view>& views,
                                                          const std::string& request_id) {
  boost::json::array ids;
  for (const auto& view : views) ids.emplace_back(view.record.id);
  const std::string record = boost::json::serialize(boost::json::object{
      {"fingerprint", key.fingerprint},
      {"ids", std::move(ids)},
      {"createdAt", util::format_rfc3339_millis(std::chrono::system_clock::now())}});
  if (auto put = co_await store_.put(key.blob_name, record, "application/json", {}); !put) {
    spdlog::warn("[{}] could not record the Idempotency-Key: {}", request_id, put.error().message);
  }
}

// Admission, the provider's answer, the stored images, and the ledger settled at what was billed:
// a refused or failed generation costs only what the provider reported (nothing, for a failure).
boost::asio::awaitable<outcome<std::vector<image_record>>> generation_service::generate_paid(
    const generation_request& request, std::string_view client) {
  auto permit = co_await costs_.admit(request, client);
  if (!permit) co_return permit.error();
  auto generated = co_await provider_.generate(request);
  if (generated && generated->images.empty()) {
    generated = make_error(error_kind::provider_error, "The image provider returned no image.");
  }
  if (!generated) {
    co_await costs_.settle(std::move(*permit), 0, 0, true);
    co_return generated.error();
  }
  const double cost = costs_.cost_of(request, generated->images.size(), generated->usage);
  auto records = co_await store_all(request, *generated, cost);
  // The provider billed the answer even when storing it failed.
  co_await costs_.settle(std::move(*permit), cost, records ? int(records->size()) : 0, !records);
  co_return records;
}

boost::asio::awaitable<outcome<std::vector<image_view>>> generation_service::generate(
    generation_request request, std::optional<std::string> idempotency_key, std::string client) {
  std::optional<idempotency_record> key;
  if (idempotency_key) {
    key = idempotency_record{
        "idempotency/" + util::hex_encode(util::sha256(*idempotency_key)).substr(0, 40) + ".json",
        request_fingerprint(request)};
    auto earlier = co_await replay(key->blob_name, key->fingerprint);
    if (!earlier) co_return earlier.error();
    if (*earlier) {
      spdlog::info("[{}] Idempotency-Key seen before: answering with the earlier images",
                   request.request_id);
      co_return std::move(**earlier);
    }
  }
  auto records = co_await generate_paid(request, client);
  if (!records) co_return records.error();
  std::vector<image_view> views;
  const auto now = std::chrono::system_clock::now();
  // Newest first, like the gallery.
  for (auto it = records->rbegin(); it != records->rend(); ++it)
    views.push_back(gallery_.present(std::move(*it), now));
  if (key) co_await remember(*key, views, request.request_id);
  co_return views;
}

}  // namespace visionary::core
