// openai_provider: image generation over the OpenAI Images API, Azure OpenAI deployments and
// OpenAI-compatible local servers (LocalAI, stable-diffusion.cpp), with bounded retries that honour
// retry-after. Thread-safe: holds only immutable settings and a thread-safe HTTP client.
#pragma once

#include <chrono>
#include <string>

#include "net/http_client.hpp"
#include "providers/image_provider.hpp"
#include "providers/openai_protocol.hpp"

namespace visionary::providers {

struct openai_provider_settings {
  std::string name = "openai";  // "openai", "azure-openai" or "openai-compatible"
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

class openai_provider final : public image_provider {
 public:
  openai_provider(openai_provider_settings settings, net::http_client& client);

  boost::asio::awaitable<core::outcome<std::vector<generated_image>>> generate(
      const generation_request& request) override;
  std::string_view name() const override { return settings_.name; }
  std::string_view model() const override { return settings_.model; }
  bool offline() const override { return false; }
  const core::model_capabilities& capabilities() const override { return capabilities_; }

 private:
  boost::asio::awaitable<core::outcome<std::string>> download(const std::string& url,
                                                              const std::string& request_id);
  std::string endpoint() const;
  std::string label() const;

  openai_provider_settings settings_;
  net::http_client& client_;
  core::model_capabilities capabilities_;
};

}  // namespace visionary::providers
