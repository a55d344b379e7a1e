#include "core/generation_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/naming.hpp"
#include "core/request_settings.hpp"
#include "core/validation.hpp"
#include "imaging/image_codec.hpp"
#include "util/blocking.hpp"
#include "util/crypto.hpp"

namespace visionary::core {

namespace {

// The prompt, every setting (as stored with the image) and n: equal requests, equal prints.
std::string request_fingerprint(const core::generation_request& r) {
  std::string canonical =
      r.prompt + '\0' + boost::json::serialize(settings_json(r)) + '\0' + std::to_string(r.n);
  // An edit is the same request only with the same images, parent and fidelity.
  if (r.edit) {
    canonical += '\0' + r.edit->digest + '\0' + r.edit->parent_id.value_or("") + '\0' +
                 r.input_fidelity.value_or("");
  }
  return util::hex_encode(util::sha256(canonical));
}

}  // namespace

generation_service::generation_service(core::image_provider& provider, core::blob_store& store,
                                       gallery_service& gallery, cost_control& costs,
                                       boost::asio::thread_pool& image_pool,
                                       std::uint64_t max_image_pixels)
    : provider_(provider),
      store_(store),
      gallery_(gallery),
      costs_(costs),
      image_pool_(image_pool),
      max_image_pixels_(max_image_pixels),
      idempotency_(store, idempotency_settings{}),
      engine_choices_(provider) {}

boost::asio::awaitable<void> generation_service::roll_back(
    const std::vector<std::string>& blob_names) {
  // Images before thumbnails, mirroring the write order in reverse.
  for (auto it = blob_names.rbegin(); it != blob_names.rend(); ++it) {
    if (auto removed = co_await store_.remove(*it); !removed) {
      spdlog::error("could not roll back {}: {}", *it, removed.error().message);
    }
  }
}

image_record generation_service::new_record(const generation_request& request,
                                            const generated_image& image) const {
  image_record record;
  record.created_at = std::chrono::system_clock::now();
  record.prompt = request.prompt;
  record.revised_prompt = image.revised_prompt;
  record.provider = provider_.name();
  record.model = request.model.empty() ? std::string(provider_.model()) : request.model;
  record.settings = request;
  record.settings.prompt.clear();
  record.settings.request_id.clear();
  record.settings.n = 1;
  record.settings.model = record.model;
  record.settings.edit = nullptr;  // the record keeps no input bytes
  if (request.edit) record.parent_id = request.edit->parent_id;
  if (image.seed) record.settings.engine.seed = image.seed;
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
  auto prepared = co_await util::run_blocking(image_pool_, [&]() {
    const imaging::embedded_text embedded{png_text_keyword, record.prompt, text};
    return imaging::prepare_image(image.bytes, embedded, max_image_pixels_);
  });
  if (!prepared) co_return prepared.error();
  image.bytes.clear();
  // Named only now: the blob name ends as the format the provider chose.
  const auto names =
      make_image_names(record.created_at, request.prompt, util::random_token(token_length),
                       imaging::extension_of_format(prepared->format));
  record.id = names.id;
  record.blob_name = names.image_blob;
  record.thumbnail_blob = names.thumbnail_blob;
  record.content_type = std::string(imaging::content_type_of_format(prepared->format));
  record.width = prepared->width;
  record.height = prepared->height;
  record.bytes = prepared->encoded.size();
  if (auto put = co_await store_.put(record.thumbnail_blob, std::move(prepared->thumbnail_webp),
                                     "image/webp", {});
      !put) {
    co_return put.error();
  }
  written.push_back(record.thumbnail_blob);
  if (auto put = co_await store_.put(record.blob_name, std::move(prepared->encoded),
                                     record.content_type, to_metadata(record));
      !put) {
    co_return put.error();
  }
  written.push_back(record.blob_name);
  if (record.parent_id) {
    // The parent's list of edits: one small entry, listed newest first by the child's id.
    const auto marker = edit_marker_name(*record.parent_id, record.id);
    if (auto put = co_await store_.put(marker, std::string(), "application/octet-stream", {}); !put)
      co_return put.error();
    written.push_back(marker);
  }
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

boost::asio::awaitable<outcome<spend_permit>> generation_service::admit(
    const generation_request& request, std::string_view client) {
  const auto choices = co_await engine_choices_.current();
  if (auto listed = validate_engine_choices(request.engine, choices); !listed)
    co_return listed.error();
  co_return co_await costs_.admit(request, client);
}

boost::asio::awaitable<engine_choices> generation_service::current_engine_choices() {
  co_return co_await engine_choices_.current();
}

boost::asio::awaitable<void> generation_service::release(spend_permit permit) {
  co_await costs_.settle(std::move(permit), 0, 0, false);
}

// The provider's answer, the stored images, and the ledger settled at what was billed: a refused,
// cancelled or failed generation costs only what the provider reported (nothing, for a failure).
boost::asio::awaitable<outcome<std::vector<image_record>>> generation_service::run_paid(
    const generation_request& request, spend_permit permit, generation_watch& watch) {
  auto generated = co_await call_provider(request, watch);
  if (generated && watch.cancelled())
    generated = make_error(error_kind::cancelled, "The generation was cancelled.");
  if (generated && generated->images.empty()) {
    generated = make_error(error_kind::provider_error, "The image provider returned no image.");
  }
  if (!generated) {
    co_await costs_.settle(std::move(permit), 0, 0,
                           generated.error().kind != error_kind::cancelled);
    co_return generated.error();
  }
  const double cost = costs_.cost_of(request, generated->images.size(), generated->usage);
  auto records = co_await store_all(request, *generated, cost);
  // The provider billed the answer even when storing it failed.
  co_await costs_.settle(std::move(permit), cost, records ? int(records->size()) : 0, !records);
  co_return records;
}

boost::asio::awaitable<outcome<generation_result>> generation_service::call_provider(
    const generation_request& request, generation_watch& watch) {
  if (request.edit) co_return co_await provider_.edit(request, watch);
  co_return co_await provider_.generate(request, watch);
}

boost::asio::awaitable<outcome<std::string>> generation_service::read_source(
    const std::string& id) {
  auto found = co_await gallery_.find(id);
  if (!found) co_return found.error();
  auto content = co_await store_.get(found->record.blob_name, std::nullopt);
  if (!content) co_return content.error();
  co_return std::move(content->bytes);
}

boost::asio::awaitable<outcome<generation_request>> generation_service::prepare_edit(
    edit_form form, const model_menu& menu, std::size_t max_prompt_chars) {
  auto request = validate_edit_fields(form, menu, max_prompt_chars);
  if (!request) co_return request.error();
  std::optional<std::string> parent;
  if (form.source_id) {
    auto bytes = co_await read_source(*form.source_id);
    if (!bytes) co_return bytes.error();
    form.source_upload = std::move(*bytes);
    parent = form.source_id;
  }
  auto inputs = co_await util::run_blocking(image_pool_, [&]() {
    return check_edit_images(std::move(*form.source_upload), std::move(form.mask),
                             std::move(form.references), max_image_pixels_);
  });
  if (!inputs) co_return inputs.error();
  inputs->parent_id = std::move(parent);
  request->edit = std::make_shared<const edit_inputs>(std::move(*inputs));
  co_return std::move(*request);
}

boost::asio::awaitable<outcome<gallery_page>> generation_service::list_edits(
    const std::string& parent_id, int limit, std::optional<std::string> cursor) {
  if (!parse_image_id(parent_id))
    co_return make_error(error_kind::not_found, "No image has the id '" + parent_id + "'.");
  std::optional<std::string> marker;
  if (cursor) {
    auto decoded = decode_cursor(*cursor);
    if (!decoded) co_return decoded.error();
    marker = std::move(*decoded);
  }
  auto listed = co_await store_.list(edit_marker_prefix(parent_id), std::move(marker), limit);
  if (!listed) co_return listed.error();
  gallery_page page;
  for (const auto& item : listed->items) {
    const auto child = std::string_view(item.name).substr(item.name.rfind('/') + 1);
    if (auto found = co_await gallery_.find(std::string(child)))
      page.images.push_back(std::move(*found));
  }
  if (listed->next_marker) page.next_cursor = encode_cursor(*listed->next_marker);
  co_return page;
}

boost::asio::awaitable<outcome<std::vector<image_view>>> generation_service::run(
    const generation_request& request, spend_permit permit, generation_watch& watch) {
  auto records = co_await run_paid(request, std::move(permit), watch);
  if (!records) co_return records.error();
  co_return present_all(std::move(*records));
}

std::vector<image_view> generation_service::present_all(std::vector<image_record> records) const {
  std::vector<image_view> views;
  const auto now = std::chrono::system_clock::now();
  // Newest first, like the gallery.
  for (auto it = records.rbegin(); it != records.rend(); ++it)
    views.push_back(gallery_.present(std::move(*it), now));
  return views;
}

boost::asio::awaitable<std::vector<image_view>> generation_service::find_all(
    const std::vector<std::string>& ids) {
  std::vector<image_view> views;
  for (const auto& id : ids) {
    if (auto found = co_await gallery_.find(id)) views.push_back(std::move(*found));
  }
  co_return views;
}

// With a key: one generation per key, however many requests carry it at once or later.
boost::asio::awaitable<outcome<std::vector<image_view>>> generation_service::once(
    const generation_request& request, const std::string& key, producer produce) {
  co_await idempotency_.sweep(std::chrono::system_clock::now());
  const std::string fingerprint = request_fingerprint(request);
  auto claim = co_await idempotency_.claim(key, fingerprint);
  if (claim && !claim->owned) {
    auto earlier = co_await find_all(claim->earlier_ids);
    if (!earlier.empty()) {
      spdlog::info("[{}] Idempotency-Key seen before: answering with the earlier images",
                   request.request_id);
      co_return earlier;
    }
    claim = co_await idempotency_.claim(key, fingerprint, true);  // its images were deleted
  }
  if (!claim) co_return claim.error();
  if (!claim->owned) co_return co_await find_all(claim->earlier_ids);
  auto views = co_await produce();
  if (!views) {
    co_await idempotency_.abandon(*claim);
    co_return views.error();
  }
  std::vector<std::string> ids;
  for (const auto& view : *views) ids.push_back(view.record.id);
  co_await idempotency_.complete(*claim, ids);
  co_return views;
}

boost::asio::awaitable<outcome<std::vector<image_view>>> generation_service::generate(
    generation_request request, std::optional<std::string> idempotency_key, std::string client) {
  auto direct = [this, &request,
                 &client]() -> boost::asio::awaitable<outcome<std::vector<image_view>>> {
    auto permit = co_await admit(request, client);
    if (!permit) co_return permit.error();
    unwatched watch;
    co_return co_await run(request, std::move(*permit), watch);
  };
  if (idempotency_key) co_return co_await once(request, *idempotency_key, direct);
  co_return co_await direct();
}

}  // namespace visionary::core
