// generation_service: one generation from prompt to stored images. Calls the provider, proves each
// answer is a real image, writes thumbnail and metadata, and the image last, so that a listed image
// is always complete; on any failure nothing of the request stays behind. Every generation passes
// cost control first and settles in the ledger at what the provider billed. Thread-safe.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>

#include "core/cost_control.hpp"
#include "core/edit_request.hpp"
#include "core/engine_choices_cache.hpp"
#include "core/gallery_service.hpp"
#include "core/idempotency.hpp"
#include "core/ports/image_provider.hpp"

namespace visionary::core {

class generation_service {
 public:
  generation_service(core::image_provider& provider, core::blob_store& store,
                     gallery_service& gallery, cost_control& costs,
                     boost::asio::thread_pool& image_pool, std::uint64_t max_image_pixels);

  // With an idempotency key, a repeated or concurrent request (same key, same fields, within 24
  // hours) answers with the images of the first one instead of generating again; the key is
  // claimed atomically in the store, so every replica sees it. The same key with a different
  // request is idempotency_key_reused; a duplicate of a request still running waits for it
  // (bounded), then idempotency_in_progress.
  // `client` is who asks (the address http::client_address resolved); limits count per client.
  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<image_view>>> generate(
      core::generation_request request, std::optional<std::string> idempotency_key,
      std::string client);

  // The same Idempotency-Key rules around any way of producing the images (e.g. through a job).
  using producer = std::function<boost::asio::awaitable<outcome<std::vector<image_view>>>()>;
  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<image_view>>> once(
      const core::generation_request& request, const std::string& idempotency_key,
      producer produce);

  // The two halves of a generation, for callers that admit first and run later (the job queue):
  // admission refuses before anything is spent (a sampler or checkpoint the engine does not list
  // included); run() calls the provider, stores what it made,
  // and settles the permit (a cancelled or failed run costs only what the provider billed).
  [[nodiscard]] boost::asio::awaitable<outcome<spend_permit>> admit(
      const core::generation_request& request, std::string_view client);
  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<image_view>>> run(
      const core::generation_request& request, spend_permit permit, generation_watch& watch);

  // An edit ready to admit: its fields checked against the menu, its source read from the gallery
  // when `image` named an id (ids only: never a path or a link), every image checked (on the image
  // pool). A missing source is not_found.
  [[nodiscard]] boost::asio::awaitable<outcome<generation_request>> prepare_edit(
      edit_form form, const model_menu& menu, std::size_t max_prompt_chars);

  // The edits made from the image `parent_id`, newest first, a page at a time (edits whose
  // image was deleted are left out).
  [[nodiscard]] boost::asio::awaitable<outcome<gallery_page>> list_edits(
      const std::string& parent_id, int limit, std::optional<std::string> cursor);

  // Gives back an admitted permit that never ran (a job cancelled in the queue): nothing spent.
  boost::asio::awaitable<void> release(spend_permit permit);

  [[nodiscard]] const image_provider& provider() const { return provider_; }
  // The samplers and checkpoints the engine offers (cached; see engine_choices_cache).
  [[nodiscard]] boost::asio::awaitable<engine_choices> current_engine_choices();

 private:
  struct image_usage {
    double cost_usd = 0;               // this image's share of the answer's cost
    std::optional<token_usage> usage;  // the answer's usage
  };
  boost::asio::awaitable<outcome<std::vector<image_record>>> run_paid(
      const generation_request& request, spend_permit permit, generation_watch& watch);
  [[nodiscard]] image_record new_record(const generation_request& request,
                                        const generated_image& image) const;
  boost::asio::awaitable<outcome<image_record>> store_image(const generation_request& request,
                                                            generated_image& image,
                                                            const image_usage& billed,
                                                            std::vector<std::string>& written);
  boost::asio::awaitable<outcome<std::vector<image_record>>> store_all(
      const generation_request& request, generation_result& answer, double cost_usd);
  [[nodiscard]] std::vector<image_view> present_all(std::vector<image_record> records) const;
  boost::asio::awaitable<std::vector<image_view>> find_all(const std::vector<std::string>& ids);
  boost::asio::awaitable<outcome<std::string>> read_source(const std::string& id);
  boost::asio::awaitable<outcome<generation_result>> call_provider(
      const generation_request& request, generation_watch& watch);
  boost::asio::awaitable<void> roll_back(const std::vector<std::string>& blob_names);

  core::image_provider& provider_;
  core::blob_store& store_;
  gallery_service& gallery_;
  cost_control& costs_;
  // Image decoding has a pool of its own: a flood of generations waits there, not in front of
  // the files being served from the blocking pool.
  boost::asio::thread_pool& image_pool_;
  std::uint64_t max_image_pixels_;
  idempotency_records idempotency_;
  engine_choices_cache engine_choices_;
};

}  // namespace visionary::core
