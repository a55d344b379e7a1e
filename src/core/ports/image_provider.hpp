// image_provider: the interface every image model backend implements (OpenAI, Azure OpenAI,
// OpenAI-compatible servers, the offline demo), and generation_watch, through which a generation
// reports progress and hears that it was cancelled. Implementations are safe for concurrent
// generate() calls from any executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/provider_kind.hpp"
#include "util/abort_signal.hpp"
#include "util/error.hpp"

namespace visionary::core {

// Settings of local engines (AUTOMATIC1111, OpenAI-compatible local servers); each is sent only
// where the model's catalogue entry has the control.
struct engine_settings {
  std::optional<std::string> negative_prompt;
  std::optional<std::int64_t> seed;  // absent: the engine picks one at random
  std::optional<int> steps;
  std::optional<double> cfg_scale;
  std::optional<double> denoising_strength;  // edits: how far the picture may move, 0..1
  std::optional<std::string> sampler;
  std::optional<std::string> checkpoint;
  friend bool operator==(const engine_settings&, const engine_settings&) = default;
};

// One input image of an edit, checked at the edge: its bytes and what its header says.
struct edit_image {
  std::string bytes;
  std::string format;  // png, jpeg or webp
  int width = 0;
  int height = 0;
};

// What an edit starts from. Shared (never changed) by the copies of its request: a job, its
// record, the provider call.
struct edit_inputs {
  edit_image source;
  std::optional<edit_image> mask;  // PNG with alpha, the source's size; transparent = may change
  std::vector<edit_image> references;
  std::optional<std::string> parent_id;  // the gallery image edited; absent for an upload
  std::string digest;                    // SHA-256 (hex) of every input's bytes: idempotency
  [[nodiscard]] std::size_t image_count() const { return 1 + references.size(); }
};

struct generation_request {
  std::string prompt;
  std::string model;  // the provider's model (or Azure deployment) to ask
  std::string size;   // a preset, "auto", or "WxH" within the model's custom-size rules
  std::optional<std::string> quality;
  std::optional<std::string> style;
  std::optional<std::string> background;
  std::optional<std::string> output_format;  // png, jpeg, webp
  std::optional<int> output_compression;     // 0..100, jpeg and webp only
  std::optional<std::string> moderation;
  std::optional<std::string> input_fidelity;  // edits: how closely the model keeps the source
  engine_settings engine;
  int n = 1;
  std::string request_id;                   // forwarded to the provider's logs where possible
  std::shared_ptr<const edit_inputs> edit;  // set for an edit of an image
};

struct generated_image {
  std::string bytes;  // encoded image (PNG, JPEG or WebP) exactly as the provider sent it
  std::optional<std::string> revised_prompt;
  std::optional<std::int64_t> seed;  // the seed the engine really used, when it says
};

// What the provider reported it billed for one answer (OpenAI's `usage`), in tokens.
struct token_usage {
  std::int64_t input_text_tokens = 0;
  std::int64_t input_image_tokens = 0;
  std::int64_t output_tokens = 0;
  friend bool operator==(const token_usage&, const token_usage&) = default;
};

struct generation_result {
  std::vector<generated_image> images;
  std::optional<token_usage> usage;  // absent when the provider reports none
};

// How far a running generation is. Every field is optional: a provider reports what it knows.
struct generation_progress {
  std::optional<double> fraction;  // 0..1; absent when the provider cannot tell
  std::optional<int> step;
  std::optional<int> steps;
  std::optional<double> eta_seconds;
  std::string preview;  // an encoded in-between picture (PNG, JPEG or WebP); empty for none
};

// What a provider talks to while it generates. report() is cheap and may be called from any
// thread; cancelled() says the user no longer wants the result, and abort() is the signal a
// provider hands to its outbound calls (or registers its own action on, e.g. an interrupt call).
class generation_watch {
 public:
  virtual ~generation_watch() = default;
  virtual void report(generation_progress progress) = 0;
  [[nodiscard]] virtual util::abort_signal& abort() = 0;
  [[nodiscard]] bool cancelled() { return abort().aborted(); }
};

// A watch nobody looks at: progress goes nowhere, cancellation never comes.
class unwatched final : public generation_watch {
 public:
  void report(generation_progress) override {}
  util::abort_signal& abort() override { return never_; }

 private:
  util::abort_signal never_;
};

// Choices a local engine lists at run time (AUTOMATIC1111's samplers and checkpoints); empty lists
// when the engine has none to offer or could not be asked.
struct engine_choices {
  std::vector<std::string> samplers;
  std::vector<std::string> checkpoints;
  friend bool operator==(const engine_choices&, const engine_choices&) = default;
};

class image_provider {
 public:
  virtual ~image_provider() = default;

  // A cancelled generation answers error_kind::cancelled (or anything else, promptly); its result
  // is never stored.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<generation_result>> generate(
      const generation_request& request, generation_watch& watch) = 0;

  // What the engine offers now; a failure is an error value (the caller keeps what it had).
  // Providers without run-time choices answer empty lists.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<engine_choices>> list_engine_choices() {
    co_return engine_choices{};
  }

  // An edit of request.edit's source (with its mask and references) as the prompt asks, under
  // the same rules as generate(). A provider that cannot edit answers edit_not_supported.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<generation_result>> edit(
      const generation_request& request, generation_watch& watch);

  [[nodiscard]] virtual std::string_view name() const = 0;  // "openai", "demo", ...
  [[nodiscard]] virtual provider_kind kind() const = 0;
  [[nodiscard]] virtual std::string_view model() const = 0;  // the configured (default) model
  // True for the procedural demo: its pictures are not made by an AI model.
  [[nodiscard]] virtual bool offline() const = 0;
};

}  // namespace visionary::core
