#include "core/idempotency.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "util/crypto.hpp"

namespace visionary::core {

namespace {

namespace json = boost::json;

constexpr std::string_view records_prefix = "idempotency/";
constexpr auto sweep_interval = std::chrono::minutes{10};
constexpr int sweep_page = 1000;

std::string record_json(std::string_view state, const std::string& fingerprint,
                        const std::vector<std::string>& ids) {
  json::array id_list;
  for (const auto& id : ids) id_list.emplace_back(id);
  return json::serialize(
      json::object{{"state", state},
                   {"fingerprint", fingerprint},
                   {"ids", std::move(id_list)},
                   {"createdAt", util::format_rfc3339_millis(std::chrono::system_clock::now())}});
}

}  // namespace

struct idempotency_records::stored_record {
  bool done = false;
  std::string fingerprint;
  std::vector<std::string> ids;
  util::sys_time created_at{};
  std::string etag;
};

idempotency_records::idempotency_records(blob_store& store, idempotency_settings settings)
    : store_(store), settings_(settings) {}

std::string idempotency_records::blob_name(const std::string& key) {
  return std::string(records_prefix) + util::hex_encode(util::sha256(key)).substr(0, 40) + ".json";
}

boost::asio::awaitable<outcome<std::optional<idempotency_records::stored_record>>>
idempotency_records::read(const std::string& name) {
  auto stored = co_await store_.get(name, std::nullopt);
  if (!stored) {
    if (stored.error().kind == error_kind::not_found) co_return std::optional<stored_record>{};
    co_return stored.error();
  }
  boost::system::error_code ec;
  const auto value = json::parse(stored->bytes, ec);
  stored_record record;
  record.etag = stored->properties.etag;
  if (ec || !value.is_object()) co_return record;  // unreadable: treated as expired
  const auto& o = value.as_object();
  const auto text = [&](std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  record.done = text("state") != "in_progress";
  record.fingerprint = text("fingerprint");
  record.created_at = util::parse_iso_utc(text("createdAt")).value_or(util::sys_time{});
  if (const auto* ids = o.if_contains("ids"); ids && ids->is_array()) {
    for (const auto& id : ids->as_array())
      if (id.is_string()) record.ids.emplace_back(id.as_string());
  }
  co_return record;
}

// true: written (this request owns the key); false: someone else wrote first.
boost::asio::awaitable<outcome<bool>> idempotency_records::write_in_progress(
    const std::string& name, const std::string& fingerprint, write_condition condition) {
  auto written = co_await store_.put_if(name, record_json("in_progress", fingerprint, {}),
                                        "application/json", {}, std::move(condition));
  if (written) co_return true;
  if (written.error().kind == error_kind::precondition_failed) co_return false;
  co_return written.error();
}

boost::asio::awaitable<outcome<idempotency_claim>> idempotency_records::claim(
    const std::string& key, const std::string& fingerprint, bool replace_done) {
  idempotency_claim claim{blob_name(key), fingerprint, false, {}};
  auto executor = co_await boost::asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + settings_.wait_limit;
  for (int attempt = 0;; ++attempt) {
    write_condition absent;
    absent.if_absent = true;
    auto created = co_await write_in_progress(claim.blob_name, fingerprint, std::move(absent));
    if (!created) co_return created.error();
    if (*created) {
      claim.owned = true;
      co_return claim;
    }
    auto record = co_await read(claim.blob_name);
    if (!record) co_return record.error();
    if (!*record) continue;  // deleted in between: try to create it again
    const auto now = std::chrono::system_clock::now();
    const auto age = now - (*record)->created_at;
    const bool expired = age > idempotency_window;
    const bool stale = !(*record)->done && age > settings_.stale_after;
    if (!expired && (*record)->fingerprint != fingerprint) {
      co_return make_error(
          error_kind::idempotency_key_reused,
          "This Idempotency-Key was already used for a different request; use a new key.");
    }
    if (expired || stale || ((*record)->done && replace_done)) {
      write_condition matching;
      matching.if_match = (*record)->etag;
      auto taken = co_await write_in_progress(claim.blob_name, fingerprint, std::move(matching));
      if (!taken) co_return taken.error();
      if (*taken) {
        claim.owned = true;
        co_return claim;
      }
      continue;
    }
    if ((*record)->done) {
      claim.earlier_ids = std::move((*record)->ids);
      co_return claim;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      auto error = make_error(error_kind::idempotency_in_progress,
                              "A request with this Idempotency-Key is still being generated; "
                              "ask again shortly for its images.");
      error.retry_after_seconds = 5;
      co_return error;
    }
    boost::asio::steady_timer timer(
        executor, std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 5))));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

boost::asio::awaitable<void> idempotency_records::complete(const idempotency_claim& claim,
                                                           const std::vector<std::string>& ids) {
  if (auto put = co_await store_.put(claim.blob_name, record_json("done", claim.fingerprint, ids),
                                     "application/json", {});
      !put) {
    spdlog::warn("could not record an Idempotency-Key as done: {}", put.error().message);
  }
}

boost::asio::awaitable<void> idempotency_records::abandon(const idempotency_claim& claim) {
  if (auto removed = co_await store_.remove(claim.blob_name);
      !removed && removed.error().kind != error_kind::not_found) {
    spdlog::warn("could not free an Idempotency-Key after a failure: {}", removed.error().message);
  }
}

boost::asio::awaitable<void> idempotency_records::sweep(util::sys_time now) {
  const auto now_ms = util::unix_millis(now);
  auto last = last_sweep_ms_.load();
  const auto interval_ms = std::chrono::duration_cast<std::chrono::milliseconds>(sweep_interval);
  if (now_ms - last < interval_ms.count() || !last_sweep_ms_.compare_exchange_strong(last, now_ms))
    co_return;
  auto page = co_await store_.list(std::string(records_prefix), std::nullopt, sweep_page);
  if (!page) co_return;
  for (const auto& item : page->items) {
    if (now - item.last_modified > idempotency_window) (void)co_await store_.remove(item.name);
  }
}

}  // namespace visionary::core
