// prompt_suggester: the interface a language model backend implements to propose one image prompt
// (an OpenAI-style chat model, Azure OpenAI, a local llama.cpp or LocalAI server). The answer is
// the model's raw text; core cleans and checks it. Implementations are safe for concurrent
// suggest() calls; a call with an abort signal runs on a strand (see net::http_client).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "core/suggestions.hpp"
#include "util/abort_signal.hpp"
#include "util/error.hpp"

namespace visionary::core {

struct suggestion_request {
  suggestion_theme theme;  // what this suggestion should be about
  std::string request_id;  // names the call in the log
};

class prompt_suggester {
 public:
  virtual ~prompt_suggester() = default;

  // The model's text as it answered (quotes, labels and all), or why there is none: a failed call
  // answers with the provider kinds of error_kind and, for a rate limit, retry_after_seconds. An
  // aborted call answers promptly.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<std::string>> suggest(
      const suggestion_request& request, util::abort_signal& abort) = 0;

  // The configured chat model (or Azure deployment), shown to users as the suggestions' source.
  [[nodiscard]] virtual std::string_view model() const = 0;
};

}  // namespace visionary::core
