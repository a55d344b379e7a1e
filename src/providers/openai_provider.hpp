// openai_provider: image generation over the OpenAI Images API, Azure OpenAI deployments (its v1
// API, or the classic one when an api-version is set) and OpenAI-compatible local servers
// (LocalAI, stable-diffusion.cpp), with bounded retries that honour retry-after. GPT image models
// on OpenAI and Azure stream their answer: partial images are reported as previews while the image
// is made, and a cancelled generation stops the call.
// Thread-safe: holds only immutable settings and a thread-safe HTTP client; generate() must run on
// a strand (the job service runs each job on one).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/ports/image_provider.hpp"
#include "net/http_client.hpp"
#include "providers/openai_protocol.hpp"

namespace visionary::providers {

struct openai_provider_settings {
  openai_flavor flavor = openai_flavor::openai;
  std::string base_url = "https://api.openai.com/v1";  // Azure: https://{resource}.openai.azure.com
  std::string api_key;
  std::string model = "gpt-image-1";  // Azure: the deployment name
  // Azure: empty for the v1 API; a dated version selects the classic deployments path.
  std::string azure_api_version;
  std::chrono::milliseconds timeout{180'000};
  int max_retries = 2;
  std::chrono::milliseconds max_retry_wait{20'000};
  std::size_t max_image_bytes = 50 * 1024 * 1024;
  // Partial images a streamed generation asks for (0..3); GPT image models on OpenAI and Azure
  // stream, other models and OpenAI-compatible servers answer in one piece.
  int partial_images = 2;
  // Models (by the name the provider is asked for) that stream partial images, from the model
  // catalogue; empty: decided by the model's name (gpt-image-*).
  std::vector<std::string> streaming_models;
  // Which OpenAI-compatible server answers (compatible flavor only): how engine settings are sent.
  core::local_server_kind local_server = core::local_server_kind::generic;
};

class openai_provider final : public core::image_provider {
 public:
  openai_provider(openai_provider_settings settings, net::http_client& client);

  boost::asio::awaitable<outcome<core::generation_result>> generate(
      const core::generation_request& request, core::generation_watch& watch) override;
  // POST .../images/edits as multipart; streamed as generations are.
  boost::asio::awaitable<outcome<core::generation_result>> edit(
      const core::generation_request& request, core::generation_watch& watch) override;
  std::string_view name() const override {
    return core::provider_kind_name(provider_kind_of(settings_.flavor));
  }
  std::string_view model() const override { return settings_.model; }
  core::provider_kind kind() const override { return provider_kind_of(settings_.flavor); }
  bool offline() const override { return false; }

 private:
  struct attempt_failure;
  class stream_call;
  // The request's model (chosen from the menu), else the configured one.
  [[nodiscard]] std::string_view model_for(const core::generation_request& request) const;
  [[nodiscard]] bool streams(const core::generation_request& request) const;
  // What one call posts: where, as what, and whether its answer streams.
  struct call_body {
    std::string url;
    std::string content_type;
    std::string body;
    bool streamed = false;
  };
  [[nodiscard]] net::http_request generation_call(const core::generation_request& request,
                                                  const call_body& call,
                                                  util::abort_signal& abort) const;
  // Posts `call` with bounded retries and reads its images (streamed or whole).
  boost::asio::awaitable<outcome<core::generation_result>> send(
      const core::generation_request& request, const call_body& call,
      core::generation_watch& watch);
  boost::asio::awaitable<outcome<core::generation_result>> images_of(std::string_view body,
                                                                     const std::string& request_id,
                                                                     util::abort_signal& abort);
  [[nodiscard]] outcome<core::generation_result> stream_outcome(
      stream_call& call, const net::transport_result& response,
      const std::string& request_id) const;
  [[nodiscard]] attempt_failure transport_failed(const net::transport_error& failure,
                                                 int attempt) const;
  [[nodiscard]] attempt_failure answer_failed(const net::http_response& response,
                                              int attempt) const;
  boost::asio::awaitable<outcome<std::string>> download(const std::string& url,
                                                        const std::string& request_id,
                                                        util::abort_signal& abort);
  [[nodiscard]] net::http_request image_request(const std::string& url, link_reach reach,
                                                const std::string& request_id,
                                                util::abort_signal& abort) const;
  std::string endpoint() const;
  std::string label() const;

  openai_provider_settings settings_;
  net::http_client& client_;
};

}  // namespace visionary::providers
