#include "providers/openai_protocol.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "providers/transport_errors.hpp"
#include "util/redact.hpp"
#include "util/text.hpp"

namespace visionary::providers {

namespace json = boost::json;

core::provider_kind provider_kind_of(openai_flavor flavor) {
  switch (flavor) {
    case openai_flavor::azure:
      return core::provider_kind::azure_openai;
    case openai_flavor::compatible:
      return core::provider_kind::openai_compatible;
    case openai_flavor::openai:
      break;
  }
  return core::provider_kind::openai;
}

bool is_gpt_image_model(std::string_view model) {
  return model.starts_with("gpt-image");
}

std::string azure_resource_root(std::string_view endpoint) {
  std::string root = util::without_trailing_slashes(endpoint);
  for (std::string_view suffix : {"/openai/v1", "/openai"}) {
    if (root.ends_with(suffix)) {
      root.resize(root.size() - suffix.size());
      break;
    }
  }
  return root;
}

std::string generation_url(openai_flavor flavor, std::string_view base_url, std::string_view model,
                           std::string_view azure_api_version) {
  if (flavor != openai_flavor::azure) {
    return util::without_trailing_slashes(base_url) + "/images/generations";
  }
  const std::string root = azure_resource_root(base_url);
  if (azure_api_version.empty()) return root + "/openai/v1/images/generations";
  return root + "/openai/deployments/" + util::percent_encode(model) +
         "/images/generations?api-version=" + util::percent_encode(azure_api_version);
}

std::string edit_url(openai_flavor flavor, std::string_view base_url, std::string_view model,
                     std::string_view azure_api_version) {
  std::string url = generation_url(flavor, base_url, model, azure_api_version);
  const std::string_view generations = "/images/generations";
  url.replace(url.find(generations), generations.size(), "/images/edits");
  return url;
}

namespace {

class form_writer {
 public:
  explicit form_writer(std::string_view boundary) : boundary_(boundary) {}
  void field(std::string_view name, std::string_view value) {
    open(name);
    body_ += "\r\n\r\n";
    body_ += value;
    body_ += "\r\n";
  }
  void file(std::string_view name, std::string_view filename, std::string_view type,
            std::string_view bytes) {
    open(name);
    body_ += "; filename=\"" + std::string(filename) + "\"\r\nContent-Type: " + std::string(type) +
             "\r\n\r\n";
    body_ += bytes;
    body_ += "\r\n";
  }
  std::string finish() { return std::move(body_) + "--" + std::string(boundary_) + "--\r\n"; }

 private:
  void open(std::string_view name) {
    body_ += "--" + std::string(boundary_) + "\r\nContent-Disposition: form-data; name=\"" +
             std::string(name) + "\"";
  }
  std::string_view boundary_;
  std::string body_;
};

std::string_view extension_of(const core::edit_image& image) {
  if (image.format == "jpeg") return "jpg";
  return image.format;
}

std::string content_type_of(const core::edit_image& image) {
  return "image/" + image.format;
}

void add_images(form_writer& form, const core::edit_inputs& inputs, bool many) {
  std::vector<const core::edit_image*> images{&inputs.source};
  if (many) {
    for (const auto& reference : inputs.references) images.push_back(&reference);
  }
  int index = 0;
  for (const auto* image : images) {
    const std::string filename =
        "image-" + std::to_string(++index) + "." + std::string(extension_of(*image));
    form.file(many ? "image[]" : "image", filename, content_type_of(*image), image->bytes);
  }
  if (inputs.mask) form.file("mask", "mask.png", "image/png", inputs.mask->bytes);
}

}  // namespace

multipart_body build_edit_body(const core::generation_request& request, std::string_view model,
                               openai_flavor flavor, std::optional<int> partial_images,
                               std::string_view boundary, core::local_server_kind local_server) {
  form_writer form(boundary);
  form.field("model", model);
  const bool sd_cpp =
      flavor == openai_flavor::compatible && local_server == core::local_server_kind::sd_server;
  form.field("prompt",
             sd_cpp ? prompt_with_sd_cpp_args(request.prompt, request.engine) : request.prompt);
  if (request.edit) add_images(form, *request.edit, is_gpt_image_model(model));
  form.field("n", std::to_string(request.n));
  if (!request.size.empty()) form.field("size", request.size);
  const std::pair<std::string_view, const std::optional<std::string>*> options[] = {
      {"quality", &request.quality},
      {"background", &request.background},
      {"output_format", &request.output_format}};
  for (const auto& [name, value] : options) {
    if (*value) form.field(name, **value);
  }
  if (request.output_compression)
    form.field("output_compression", std::to_string(*request.output_compression));
  if (request.input_fidelity) form.field("input_fidelity", *request.input_fidelity);
  if (model.starts_with("dall-e")) form.field("response_format", "b64_json");
  if (!request.request_id.empty() && flavor == openai_flavor::openai)
    form.field("user", "visionary");
  if (partial_images) {
    form.field("stream", "true");
    form.field("partial_images", std::to_string(*partial_images));
  }
  return {"multipart/form-data; boundary=" + std::string(boundary), form.finish()};
}

void add_local_engine_settings(json::object& body, const core::engine_settings& engine,
                               core::local_server_kind local_server) {
  switch (local_server) {
    case core::local_server_kind::generic:
      return;
    case core::local_server_kind::localai:
      body["response_format"] = "b64_json";  // LocalAI answers a link to fetch unless asked
      if (engine.negative_prompt) body["negative_prompt"] = *engine.negative_prompt;
      if (engine.steps) body["step"] = *engine.steps;
      if (engine.seed) body["seed"] = *engine.seed;
      return;
    case core::local_server_kind::sd_server:
      body["prompt"] = prompt_with_sd_cpp_args(std::string(body["prompt"].as_string()), engine);
      return;
  }
}

std::string prompt_with_sd_cpp_args(const std::string& prompt,
                                    const core::engine_settings& engine) {
  json::object extra;
  if (engine.negative_prompt) extra["negative_prompt"] = *engine.negative_prompt;
  if (engine.seed) extra["seed"] = *engine.seed;
  json::object sample;
  if (engine.steps) sample["sample_steps"] = *engine.steps;
  if (engine.cfg_scale) sample["guidance"] = json::object{{"txt_cfg", *engine.cfg_scale}};
  if (!sample.empty()) extra["sample_params"] = std::move(sample);
  if (extra.empty()) return prompt;
  return prompt + "<sd_cpp_extra_args>" + json::serialize(extra) + "</sd_cpp_extra_args>";
}

std::string build_generation_body(const core::generation_request& request, std::string_view model,
                                  openai_flavor flavor, std::optional<int> partial_images,
                                  core::local_server_kind local_server) {
  json::object body;
  // Azure's v1 API finds the deployment by this name; its classic API, by the path.
  body["model"] = model;
  body["prompt"] = request.prompt;
  body["n"] = request.n;
  if (!request.size.empty()) body["size"] = request.size;
  if (request.quality) body["quality"] = *request.quality;
  if (request.style) body["style"] = *request.style;
  if (request.background) body["background"] = *request.background;
  if (request.output_format) body["output_format"] = *request.output_format;
  if (request.output_compression) body["output_compression"] = *request.output_compression;
  if (request.moderation) body["moderation"] = *request.moderation;
  if (model.starts_with("dall-e")) body["response_format"] = "b64_json";
  if (!request.request_id.empty() && flavor == openai_flavor::openai) {
    body["user"] = "visionary";  // a stable end-user tag helps OpenAI's abuse monitoring
  }
  if (partial_images) {
    body["stream"] = true;
    body["partial_images"] = *partial_images;
  }
  if (flavor == openai_flavor::compatible)
    add_local_engine_settings(body, request.engine, local_server);
  return json::serialize(body);
}

namespace {

std::int64_t token_count(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return std::max<std::int64_t>(0, v->as_int64());
  if (v->is_uint64()) return std::int64_t(std::min<std::uint64_t>(v->as_uint64(), INT64_MAX));
  return 0;
}

// {input_tokens, input_tokens_details: {text_tokens, image_tokens}, output_tokens}; input tokens
// without details count as text.
std::optional<core::token_usage> parse_usage(const json::object& answer) {
  const auto* usage = answer.if_contains("usage");
  if (usage == nullptr || !usage->is_object()) return std::nullopt;
  const auto& u = usage->as_object();
  core::token_usage parsed;
  parsed.output_tokens = token_count(u, "output_tokens");
  const std::int64_t input = token_count(u, "input_tokens");
  const auto* details = u.if_contains("input_tokens_details");
  if (details != nullptr && details->is_object()) {
    parsed.input_image_tokens = token_count(details->as_object(), "image_tokens");
    parsed.input_text_tokens = token_count(details->as_object(), "text_tokens");
  } else {
    parsed.input_text_tokens = input;
  }
  return parsed;
}

// "sexual: high, violence: medium": the categories an Azure content_filter_results object marks
// filtered, in its order (the severity left out when there is none, as for jailbreak).
std::string filtered_categories(const json::value* results) {
  std::string listed;
  if (results == nullptr || !results->is_object()) return listed;
  for (const auto& category : results->as_object()) {
    const auto* o = category.value().if_object();
    const auto* filtered = o ? o->if_contains("filtered") : nullptr;
    if (filtered == nullptr || !filtered->is_bool() || !filtered->as_bool()) continue;
    if (!listed.empty()) listed += ", ";
    listed += std::string_view(category.key());
    const auto* severity = o->if_contains("severity");
    if (severity && severity->is_string() && !severity->as_string().empty()) {
      listed += ": " + std::string(severity->as_string());
    }
  }
  return listed;
}

// What Azure's content filter stopped.
enum class filter_stage { prompt, image };

// "Azure OpenAI's content filter refused the prompt (sexual: high)."
app_error content_filter_refusal(std::string_view label, filter_stage stage,
                                 std::string_view categories) {
  std::string message = std::string(label) + "'s content filter refused " +
                        (stage == filter_stage::prompt ? "the prompt" : "the generated image");
  const auto listed = util::single_line(util::redact_secrets(categories), max_policy_reason_bytes);
  if (!listed.empty()) message += " (" + listed + ")";
  return make_error(error_kind::content_policy_violation, message + ".");
}

// An answer's entry that Azure's content filter emptied: its prompt or its image was filtered.
std::optional<app_error> filtered_entry(const json::object& entry, std::string_view label) {
  const auto prompt = filtered_categories(entry.if_contains("prompt_filter_results"));
  if (!prompt.empty()) return content_filter_refusal(label, filter_stage::prompt, prompt);
  const auto image = filtered_categories(entry.if_contains("content_filter_results"));
  if (!image.empty()) return content_filter_refusal(label, filter_stage::image, image);
  return std::nullopt;
}

}  // namespace

outcome<generation_answer> parse_generation_response(std::string_view body,
                                                     std::string_view provider_label) {
  auto bad = [](std::string detail) {
    return make_error(
        error_kind::provider_error,
        "The image provider sent an answer that could not be understood (" + detail + ").");
  };
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec) return bad("not JSON");
  if (!value.is_object()) return bad("not a JSON object");
  const auto* data = value.as_object().if_contains("data");
  if (data == nullptr || !data->is_array()) return bad("no data array");
  if (data->as_array().empty()) return bad("no images");
  generation_answer answer;
  answer.usage = parse_usage(value.as_object());
  auto& items = answer.items;
  std::optional<app_error> filtered;  // the refusal of an entry the content filter emptied
  for (const auto& element : data->as_array()) {
    if (!element.is_object()) return bad("an image entry is not an object");
    const auto& o = element.as_object();
    image_item item;
    if (const auto* b64 = o.if_contains("b64_json");
        b64 && b64->is_string() && !b64->as_string().empty()) {
      item.b64_json = std::string(b64->as_string());
    }
    if (const auto* url = o.if_contains("url");
        url && url->is_string() && !url->as_string().empty()) {
      item.url = std::string(url->as_string());
    }
    if (const auto* revised = o.if_contains("revised_prompt"); revised && revised->is_string()) {
      item.revised_prompt = std::string(revised->as_string());
    }
    if (!item.b64_json && !item.url) {
      filtered = filtered_entry(o, provider_label);
      if (filtered) continue;
      return bad("an image entry has neither b64_json nor url");
    }
    items.push_back(std::move(item));
  }
  if (items.empty() && filtered) return *filtered;
  return answer;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::optional<std::string_view> retry_after_ms, std::optional<std::string_view> retry_after,
    util::sys_time now) {
  // Waits beyond a day are not advice a request can follow; they also keep the arithmetic in range.
  constexpr double max_wait_seconds = 86'400;
  auto parse_number = [&](std::string_view text, double unit_seconds) -> std::optional<double> {
    const auto value = util::parse_number<double>(text);
    if (!value || !std::isfinite(*value) || *value < 0) return std::nullopt;
    return std::min(*value * unit_seconds, max_wait_seconds);
  };
  if (retry_after_ms) {
    if (auto seconds = parse_number(*retry_after_ms, 0.001)) {
      return std::chrono::milliseconds(std::llround(*seconds * 1000));
    }
  }
  if (retry_after) {
    if (auto seconds = parse_number(*retry_after, 1.0)) {
      return std::chrono::milliseconds(std::llround(*seconds * 1000));
    }
    if (auto date = util::parse_rfc1123(*retry_after)) {
      const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
      return std::clamp(delta, std::chrono::milliseconds{0},
                        std::chrono::milliseconds(std::llround(max_wait_seconds * 1000)));
    }
  }
  return std::nullopt;
}

std::chrono::milliseconds backoff_delay(int attempt, double jitter01) {
  const double base = std::min(0.5 * std::pow(2.0, attempt), 8.0);
  const double jittered = base * (1.0 - 0.25 * std::clamp(jitter01, 0.0, 1.0));
  return std::chrono::milliseconds(std::llround(jittered * 1000));
}

namespace {

// The "error" object of an OpenAI-style answer; empty fields when absent or not JSON.
struct error_body {
  std::string code;
  std::string type;
  std::string message;
  bool content_filter = false;  // Azure's content filter stopped the request
  std::string filtered;         // the categories it filtered, "sexual: high, ..."
};

// Azure's content filter: its error code, or the verdict in the inner error (inner_error for
// images, innererror for chat), whose content_filter_results name the filtered categories.
void read_content_filter(const json::object& e, error_body& parsed) {
  parsed.content_filter = parsed.code == "contentFilter" || parsed.code == "content_filter";
  const auto* inner = e.if_contains("inner_error");
  if (inner == nullptr) inner = e.if_contains("innererror");
  if (inner == nullptr || !inner->is_object()) return;
  const auto& i = inner->as_object();
  if (const auto* code = i.if_contains("code");
      code && code->is_string() && code->as_string() == "ResponsibleAIPolicyViolation") {
    parsed.content_filter = true;
  }
  const auto* results = i.if_contains("content_filter_results");
  if (results == nullptr) results = i.if_contains("content_filter_result");
  parsed.filtered = filtered_categories(results);
}

// Azure tells a filtered image from a filtered prompt only in its message: "Generated image was
// filtered as a result of our safety system." against "Your task failed as a result of ...".
filter_stage filter_stage_of(std::string_view message) {
  return util::to_lower_ascii(message).find("generated image") != std::string::npos
             ? filter_stage::image
             : filter_stage::prompt;
}

error_body parse_error_body(std::string_view body) {
  error_body parsed;
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return parsed;
  const auto* error = value.as_object().if_contains("error");
  if (!error || !error->is_object()) return parsed;
  const auto& e = error->as_object();
  auto text = [&](std::string_view key) -> std::string {
    const auto* v = e.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  parsed.code = text("code");
  parsed.type = text("type");
  parsed.message = text("message");
  read_content_filter(e, parsed);
  return parsed;
}

// The provider refused this prompt (or its image): OpenAI's codes, or Azure's content filter.
bool is_refusal(const error_body& e) {
  return e.content_filter || e.code == "content_policy_violation" || e.code == "moderation_blocked";
}

// What the answer said, for the log: its status, the error's code and type, the setting to check
// when the key was refused, and its message (or the start of a body that is not an OpenAI error).
std::string answer_detail(unsigned status, const error_body& e, std::string_view body,
                          const error_context& context) {
  std::string detail = "HTTP " + std::to_string(status);
  if (!e.code.empty()) detail += " " + e.code;
  if (!e.type.empty()) detail += " (" + e.type + ")";
  if (is_azure_resource_block(status, e.code, e.message, context.flavor)) {
    detail += " [the resource is blocked: every request fails until it is resolved in Azure]";
  } else if (status == 401 || status == 403) {
    detail += " [check " + std::string(context.key_setting) + "]";
  }
  detail += ": ";
  detail += e.message.empty() ? body.substr(0, max_logged_answer_bytes) : e.message;
  return detail;
}

// Answers no retry can fix, whatever x-should-retry says: a blocked resource, a refused prompt, a
// bad key, an unknown model.
std::optional<app_error> permanent_failure(unsigned status, const error_body& e,
                                           const error_context& context) {
  const std::string label(context.provider_label);
  const std::string status_text = std::to_string(status);
  if (is_azure_resource_block(status, e.code, e.message, context.flavor)) {
    return make_error(error_kind::provider_unavailable,
                      "The image service is temporarily blocked by " + label +
                          "; the site's operator must resolve it before images can be made "
                          "again.");
  }
  if (e.content_filter) {
    return content_filter_refusal(label, filter_stage_of(e.message), e.filtered);
  }
  if (is_refusal(e)) {
    const auto reason = util::single_line(util::redact_secrets(e.message), max_policy_reason_bytes);
    return make_error(error_kind::content_policy_violation,
                      reason.empty() ? label + " refused this prompt under its content policy."
                                     : label + " refused this prompt: " + reason);
  }
  if (status == 401 || status == 403) {
    return make_error(error_kind::provider_error,
                      label + " refused this server's credentials (HTTP " + status_text +
                          "); please tell the site's operator.");
  }
  if (status == 404 || e.code == "model_not_found") {
    return make_error(error_kind::provider_error,
                      label + " does not offer the model '" + std::string(context.model) +
                          "' to this account (or the endpoint is wrong); please tell the site's "
                          "operator.");
  }
  return std::nullopt;
}

// Every other failure: rate limits, conflicts and server trouble are worth another try (an empty
// quota is not); other 4xx rejections are not, unless x-should-retry says so.
provider_failure transient_failure(unsigned status, const error_body& e,
                                   const error_context& context,
                                   std::optional<std::chrono::milliseconds> retry_after) {
  const std::string label(context.provider_label);
  const std::string status_text = std::to_string(status);
  std::optional<int> hint;
  if (retry_after) hint = int(std::max<long long>(1, (retry_after->count() + 999) / 1000));
  provider_failure failure{{}, true, retry_after, {}};
  if (status == 429 && (e.code == "insufficient_quota" || e.type == "insufficient_quota")) {
    failure.error = make_error(
        error_kind::rate_limited,
        label +
            " reports that the account is out of quota or budget; please tell the site's "
            "operator.");
    failure.error.retry_after_seconds = hint;
    failure.retryable = false;  // retrying cannot help until someone adds credit
  } else if (status == 429) {
    failure.error = make_error(error_kind::rate_limited,
                               label + " is rate limiting requests; try again shortly.");
    failure.error.retry_after_seconds = hint.value_or(10);
  } else if (status == 408 || status == 409) {
    failure.error =
        make_error(error_kind::provider_error, label + " could not complete the request (HTTP " +
                                                   status_text + "); try again.");
  } else if (status == 503 || status == 502 || status == 504) {
    failure.error =
        make_error(error_kind::provider_unavailable, label + " is temporarily unavailable (HTTP " +
                                                         status_text + "); try again in a moment.");
    failure.error.retry_after_seconds = hint;
  } else if (status >= 500) {
    failure.error = make_error(error_kind::provider_error, label + " had an internal error (HTTP " +
                                                               status_text + "); try again later.");
  } else {
    failure.error = make_error(error_kind::provider_error,
                               label + " rejected the request (HTTP " + status_text +
                                   "); try other options or another prompt, and tell the site's "
                                   "operator if it keeps happening.");
    failure.retryable = false;
  }
  return failure;
}

}  // namespace

bool is_azure_resource_block(unsigned status, std::string_view code, std::string_view message,
                             openai_flavor flavor) {
  return flavor == openai_flavor::azure && status == 403 && code == "Forbidden" &&
         util::to_lower_ascii(message).find("blocked") != std::string::npos;
}

provider_failure classify_error_response(unsigned status, std::string_view body,
                                         std::optional<std::string_view> retry_after_ms,
                                         std::optional<std::string_view> retry_after,
                                         std::optional<std::string_view> should_retry,
                                         const error_context& context, util::sys_time now) {
  const error_body parsed = parse_error_body(body);
  std::string detail = answer_detail(status, parsed, body, context);
  if (auto permanent = permanent_failure(status, parsed, context)) {
    return provider_failure{std::move(*permanent), false,
                            parse_retry_after(retry_after_ms, retry_after, now), std::move(detail)};
  }
  auto failure = transient_failure(status, parsed, context,
                                   parse_retry_after(retry_after_ms, retry_after, now));
  failure.detail = std::move(detail);
  if (failure.error.kind == error_kind::rate_limited && !failure.retryable) return failure;
  if (should_retry == "false") failure.retryable = false;
  if (should_retry == "true") failure.retryable = true;
  return failure;
}

// ------------------------------------------------------------------ streamed answers

bool sse_reader::feed(std::string_view piece, std::vector<sse_event>& completed) {
  if (failed_) return false;
  while (!piece.empty()) {
    if (after_cr_ && piece.front() == '\n') piece.remove_prefix(1);  // the LF of a CRLF
    after_cr_ = false;
    const auto end = piece.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      line_.append(piece);
      failed_ = line_.size() + event_.data.size() > max_event_bytes_;
      return !failed_;
    }
    line_.append(piece.substr(0, end));
    after_cr_ = piece[end] == '\r';
    piece.remove_prefix(end + 1);
    failed_ = !take_line(line_, completed);
    line_.clear();
    if (failed_) return false;
  }
  return true;
}

// One whole line: a blank one ends the event, "field: value" adds to it.
bool sse_reader::take_line(std::string_view line, std::vector<sse_event>& completed) {
  if (line.empty()) {
    if (has_data_) completed.push_back(std::move(event_));
    event_ = sse_event{};
    has_data_ = false;
    return true;
  }
  if (line.front() == ':') return true;  // a comment (keepalive)
  const auto colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  if (field == "event") {
    event_.name = value.empty() ? "message" : std::string(value);
  } else if (field == "data") {
    if (has_data_) event_.data += '\n';
    event_.data += value;
    has_data_ = true;
  }
  return event_.data.size() <= max_event_bytes_;
}

namespace {

app_error bad_stream(std::string_view what) {
  return make_error(
      error_kind::provider_error,
      "The image provider sent a stream that could not be understood (" + std::string(what) + ").");
}

bool is_partial_image_event(std::string_view type) {
  return type == "image_generation.partial_image" || type == "image_edit.partial_image";
}

bool is_completed_event(std::string_view type) {
  return type == "image_generation.completed" || type == "image_edit.completed";
}

// The event's type: its `event:` name, else the "type" of its JSON.
std::string_view stream_event_type(const sse_event& event, const json::object& data) {
  if (event.name != "message") return event.name;
  const auto* type = data.if_contains("type");
  return type && type->is_string() ? std::string_view(type->as_string()) : std::string_view();
}

}  // namespace

outcome<image_stream_event> parse_image_stream_event(const sse_event& event) {
  image_stream_event parsed;
  boost::system::error_code ec;
  const json::value value = json::parse(event.data, ec);
  const bool image_event = is_partial_image_event(event.name) || is_completed_event(event.name);
  if (ec || !value.is_object()) {
    if (image_event) return bad_stream("an image event is not JSON");
    return parsed;  // "[DONE]" and other events that are not ours
  }
  const auto& o = value.as_object();
  if (o.contains("error") || event.name == "error") {
    parsed.type = image_stream_event::kind::error;
    parsed.error_data = event.data;
    return parsed;
  }
  const auto type = stream_event_type(event, o);
  if (!is_partial_image_event(type) && !is_completed_event(type)) return parsed;
  const auto* b64 = o.if_contains("b64_json");
  if (!b64 || !b64->is_string() || b64->as_string().empty()) {
    return bad_stream("an image event carries no image");
  }
  parsed.b64_json = std::string(b64->as_string());
  if (is_completed_event(type)) {
    parsed.type = image_stream_event::kind::completed;
    parsed.usage = parse_usage(o);
    return parsed;
  }
  parsed.type = image_stream_event::kind::partial_image;
  const auto* index = o.if_contains("partial_image_index");
  if (index && index->is_int64())
    parsed.partial_index = int(std::clamp<std::int64_t>(index->as_int64(), 0, 1000));
  return parsed;
}

provider_failure classify_stream_error(std::string_view data, const error_context& context) {
  const error_body parsed = parse_error_body(data);
  std::string detail = "stream error";
  if (!parsed.code.empty()) detail += " " + parsed.code;
  if (!parsed.type.empty()) detail += " (" + parsed.type + ")";
  detail += ": ";
  detail += parsed.message.empty() ? data.substr(0, max_logged_answer_bytes) : parsed.message;
  if (is_refusal(parsed)) {
    return provider_failure{*permanent_failure(400, parsed, context), false, std::nullopt,
                            std::move(detail)};
  }
  auto error = make_error(error_kind::provider_error,
                          std::string(context.provider_label) +
                              " stopped while making the image; try again, and tell the site's "
                              "operator if it keeps happening.");
  return provider_failure{std::move(error), false, std::nullopt, std::move(detail)};
}

}  // namespace visionary::providers
