// openai_provider: image generation over the OpenAI Images API, Azure OpenAI deployments and
// OpenAI-compatible local servers (LocalAI, stable-diffusion.cpp), with bounded retries that honour
// retry-after. Thread-safe: holds only immutable settings and a thread-safe HTTP client.
#pragma once

#include <chrono>
#include <string>

#include "core/ports/image_provider.hpp"
#include "net/http_client.hpp"
#include "providers/openai_protocol.hpp"

namespace visionary::providers {

struct openai_provider_settings {
  openai_flavor flavor = openai_flavor::openai;
  std::string base_url = "https://api.openai.com/v1";  // Azure: https://{resource}.openai.azure.com
  std::string api_key;
  std::string model = "gpt-image-1";  // Azure: the deployment name
  std::string azure_api_version = "2025-04-01-preview";
  std::chrono::milliseconds timeout{180'000};
  int max_retries = 2;
  std::chrono::milliseconds max_retry_wait{20'000};
  std::size_t max_image_bytes = 50 * 1024 * 1024;
};

class openai_provider final : public core::image_provider {
 public:
  openai_provider(openai_provider_settings settings, net::http_client& client);

  boost::asio::awaitable<outcome<core::generation_result>> generate(
      const core::generation_request& request, core::generation_watch& watch) override;
  std::string_view name() const override {
    return core::provider_kind_name(provider_kind_of(settings_.flavor));
  }
  std::string_view model() const override { return settings_.model; }
  bool offline() const override { return false; }
  const core::model_capabilities& capabilities() const override { return capabilities_; }

 private:
  struct attempt_failure;
  [[nodiscard]] net::http_request generation_call(const core::generation_request& request,
                                                  const std::string& body) const;
  boost::asio::awaitable<outcome<core::generation_result>> images_of(std::string_view body,
                                                                     const std::string& request_id);
  [[nodiscard]] attempt_failure transport_failed(const net::transport_error& failure,
                                                 int attempt) const;
  [[nodiscard]] attempt_failure answer_failed(const net::http_response& response,
                                              int attempt) const;
  boost::asio::awaitable<outcome<std::string>> download(const std::string& url,
                                                        const std::string& request_id);
  [[nodiscard]] net::http_request image_request(const std::string& url, link_reach reach,
                                                const std::string& request_id) const;
  std::string endpoint() const;
  std::string label() const;

  openai_provider_settings settings_;
  net::http_client& client_;
  core::model_capabilities capabilities_;
};

}  // namespace visionary::providers
