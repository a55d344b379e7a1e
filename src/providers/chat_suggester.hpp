// chat_suggester: the prompt_suggester of a chat model reached over the Chat Completions API
// (OpenAI, Azure OpenAI's v1 API, OpenAI-compatible servers such as llama.cpp's llama-server or
// LocalAI), through the shared HTTP client with its TLS checks, one short deadline, a small answer
// cap and no retries: a failed call simply leaves the offline suggestions in place.
// Thread-safe: holds only immutable settings and a thread-safe HTTP client.
#pragma once

#include <chrono>
#include <string>

#include "core/ports/prompt_suggester.hpp"
#include "net/http_client.hpp"
#include "providers/chat_protocol.hpp"

namespace visionary::providers {

struct chat_suggester_settings {
  chat_flavor flavor = chat_flavor::openai;
  std::string base_url = "https://api.openai.com/v1";  // Azure: https://{resource}.openai.azure.com
  std::string api_key;
  chat_auth auth = chat_auth::bearer;
  std::string model;  // Azure: the deployment name
  std::chrono::milliseconds timeout{8'000};
};

// The most of a chat answer read: a suggestion is one sentence, the envelope a little JSON.
inline constexpr std::size_t max_chat_answer_bytes = 64 * 1024;

class chat_suggester final : public core::prompt_suggester {
 public:
  chat_suggester(chat_suggester_settings settings, net::http_client& client);

  boost::asio::awaitable<outcome<std::string>> suggest(const core::suggestion_request& request,
                                                       util::abort_signal& abort) override;
  std::string_view model() const override { return settings_.model; }

 private:
  [[nodiscard]] net::http_request chat_call(const core::suggestion_request& request,
                                            util::abort_signal& abort) const;
  [[nodiscard]] app_error transport_failed(const core::suggestion_request& request,
                                           const net::transport_error& failure) const;
  [[nodiscard]] app_error answer_failed(const core::suggestion_request& request,
                                        const net::http_response& response) const;

  chat_suggester_settings settings_;
  std::string endpoint_;
  net::http_client& client_;
};

}  // namespace visionary::providers
