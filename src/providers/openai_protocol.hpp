// The OpenAI Images API wire format (also spoken by Azure OpenAI and OpenAI-compatible servers):
// request bodies, response parsing (whole answers and streamed ones, through an incremental
// Server-Sent Events reader), where image links may lead, error classification and retry timing.
// Pure functions are thread-safe; an sse_reader belongs to one answer being read.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/image_provider.hpp"
#include "core/provider_kind.hpp"
#include "providers/image_link_reach.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::providers {

enum class openai_flavor { openai, azure, compatible };

[[nodiscard]] core::provider_kind provider_kind_of(openai_flavor flavor);

// True for the GPT image models (gpt-image-1, -mini, 1.5, 2, chatgpt-image-latest), which answer
// b64_json only and can stream partial images; false for DALL-E and other servers' models.
[[nodiscard]] bool is_gpt_image_model(std::string_view model);

// An Azure endpoint without the /openai or /openai/v1 path its portal sometimes shows with it
// (and without trailing slashes): https://{resource}.openai.azure.com.
[[nodiscard]] std::string azure_resource_root(std::string_view endpoint);

// Where a generation is posted. OpenAI and compatible servers: {base}/images/generations (the base
// includes /v1). Azure: the v1 API, {endpoint}/openai/v1/images/generations, the deployment named
// by the body's model; with an api-version set, the classic
// {endpoint}/openai/deployments/{deployment}/images/generations?api-version={version}. An Azure
// endpoint copied with its /openai or /openai/v1 path still works.
[[nodiscard]] std::string generation_url(openai_flavor flavor, std::string_view base_url,
                                         std::string_view model,
                                         std::string_view azure_api_version);

// JSON body for POST .../images/generations. GPT image models get no response_format (they reject
// it and always answer b64_json); DALL-E models are asked for b64_json so nothing expires. With
// partial_images set the answer is asked for as a stream with that many partial images (0..3).
// An OpenAI-compatible local server gets the request's engine settings its own way (see
// core::local_server_kind); OpenAI and Azure never get them.
[[nodiscard]] std::string build_generation_body(
    const core::generation_request& request, std::string_view model, openai_flavor flavor,
    std::optional<int> partial_images = std::nullopt,
    core::local_server_kind local_server = core::local_server_kind::generic);

// The engine settings as fields of a LocalAI body (negative_prompt, step, seed; and b64_json asked
// for, since LocalAI answers with a link otherwise), or as
// stable-diffusion.cpp's <sd_cpp_extra_args>{json}</sd_cpp_extra_args> after the prompt; nothing
// for a generic server.
void add_local_engine_settings(boost::json::object& body, const core::engine_settings& engine,
                               core::local_server_kind local_server);

// The prompt with stable-diffusion.cpp's <sd_cpp_extra_args>{json}</sd_cpp_extra_args> after it
// (negative prompt, seed, steps, CFG scale); the prompt alone when there are none.
[[nodiscard]] std::string prompt_with_sd_cpp_args(const std::string& prompt,
                                                  const core::engine_settings& engine);

// Where an edit is posted: as generation_url, ending in /images/edits.
[[nodiscard]] std::string edit_url(openai_flavor flavor, std::string_view base_url,
                                   std::string_view model, std::string_view azure_api_version);

struct multipart_body {
  std::string content_type;  // multipart/form-data; boundary=...
  std::string body;
};

// The multipart body for POST .../images/edits, parts in this order: model, prompt, the input
// images (GPT image models: every one as image[]; others, e.g. dall-e-2: the source alone as
// image), mask, n, size, quality, background, output_format, output_compression, input_fidelity,
// response_format (DALL-E: b64_json), user (OpenAI), then stream and partial_images when
// partial_images is set. Files are named image-N.{png,jpg,webp} with their content type. The
// boundary must not occur in any image (a random one of 32 characters will not). An sd-server
// gets the engine settings inside the prompt, as for a generation.
[[nodiscard]] multipart_body build_edit_body(
    const core::generation_request& request, std::string_view model, openai_flavor flavor,
    std::optional<int> partial_images, std::string_view boundary,
    core::local_server_kind local_server = core::local_server_kind::generic);

struct image_item {
  std::optional<std::string> b64_json;
  std::optional<std::string> url;
  std::optional<std::string> revised_prompt;
};

struct generation_answer {
  std::vector<image_item> items;
  std::optional<core::token_usage> usage;  // GPT image models report it; DALL-E and others do not
};

// provider_error for malformed JSON, a missing data array or items without b64_json/url. A
// malformed `usage` is ignored (the answer's images are still good). Azure may answer 200 with
// entries its content filter emptied (content_filter_results or prompt_filter_results with
// filtered: true, no image): those are left out, and when no image is left the answer is a
// content_policy_violation naming the filtered categories (provider_label starts the message).
[[nodiscard]] outcome<generation_answer> parse_generation_response(
    std::string_view body, std::string_view provider_label = "The image provider");

struct provider_failure {
  app_error error;  // fixed words per case; only a content-policy refusal carries the provider's
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;
  std::string detail;  // for the log: the status and what the provider said (which may be anything)
};

struct error_context {
  std::string_view provider_label;  // "OpenAI", "Azure OpenAI", ...
  std::string_view key_setting;     // "OPENAI_API_KEY", ... (named in the log, not to callers)
  std::string_view model;
  openai_flavor flavor = openai_flavor::openai;
};

// The longest content-policy reason passed on to callers (one line, API keys masked).
constexpr std::size_t max_policy_reason_bytes = 300;

// Azure's resource-level block: 403 with error code "Forbidden" and a message that the resource
// "has been temporarily blocked" (for suspected content-policy abuse). Every prompt is refused
// until someone acts on the resource, so it is neither a refusal of this prompt nor a bad key.
// The code alone is not unique enough, so the word "blocked" of Azure's message confirms it.
[[nodiscard]] bool is_azure_resource_block(unsigned status, std::string_view code,
                                           std::string_view message, openai_flavor flavor);

// Maps a non-2xx answer to our error vocabulary (content policy → 422, auth → 502, rate → 429,
// 5xx → 502/503, Azure's resource block → 503) and says whether it may be retried and after how
// long. Callers hear fixed words, decided by the status and the error code; the provider's own
// words go to `detail`, except the reason of a content-policy refusal, which users need to
// rephrase. Azure's content filter (code contentFilter, or inner_error
// ResponsibleAIPolicyViolation) is told as what it stopped, the prompt or the generated image, and
// the categories it filtered.
[[nodiscard]] provider_failure classify_error_response(
    unsigned status, std::string_view body, std::optional<std::string_view> retry_after_ms,
    std::optional<std::string_view> retry_after, std::optional<std::string_view> should_retry,
    const error_context& context, util::sys_time now);

// retry-after-ms, else retry-after (seconds or HTTP date), as the official SDKs read them.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_retry_after(
    std::optional<std::string_view> retry_after_ms, std::optional<std::string_view> retry_after,
    util::sys_time now);

// 0.5 s × 2^attempt capped at 8 s, minus up to 25 % jitter (jitter01 in [0, 1)).
[[nodiscard]] std::chrono::milliseconds backoff_delay(int attempt, double jitter01);

// ------------------------------------------------------------------ streamed answers

// One event of a text/event-stream answer.
struct sse_event {
  std::string name = "message";  // the `event:` field, "message" when there is none
  std::string data;              // the `data:` lines, joined by "\n"
};

// Reads a text/event-stream answer as it arrives: feed() takes any piece of it (an event, or even
// a line end, may be split anywhere) and appends the events it completed. Lines end in LF, CRLF
// or CR; comments (":...") and other fields (id, retry) are skipped. An event (or a line) larger
// than max_event_bytes fails the reader, which then stays failed.
class sse_reader {
 public:
  explicit sse_reader(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}
  // False when the answer broke the size limit.
  [[nodiscard]] bool feed(std::string_view piece, std::vector<sse_event>& completed);

 private:
  bool take_line(std::string_view line, std::vector<sse_event>& completed);

  std::size_t max_event_bytes_;
  std::string line_;       // the line read so far
  bool after_cr_ = false;  // the last piece ended in CR: an LF next belongs to it
  sse_event event_;        // the event read so far
  bool has_data_ = false;  // event_ has had a data line
  bool failed_ = false;
};

// What one event of a streamed image answer says.
struct image_stream_event {
  enum class kind { partial_image, completed, error, other };
  kind type = kind::other;
  std::string b64_json;                    // partial_image and completed
  int partial_index = 0;                   // partial_image
  std::optional<core::token_usage> usage;  // completed, as a whole answer's usage is read
  std::string error_data;                  // error: the frame's JSON, for classify_stream_error
};

// Reads image_generation.partial_image / .completed (and image_edit.*) events, and any frame whose
// JSON has an "error" key; other events (and a "[DONE]" marker) are `other`. provider_error when
// an image event is not JSON or carries no image.
[[nodiscard]] outcome<image_stream_event> parse_image_stream_event(const sse_event& event);

// An error frame received mid-stream: a content-policy refusal maps as it does in a whole answer
// (content_policy_violation with the provider's reason); anything else is a provider_error that is
// not retried (the provider may have billed the partial images already).
[[nodiscard]] provider_failure classify_stream_error(std::string_view data,
                                                     const error_context& context);

}  // namespace visionary::providers
