#include "core/suggestion_service.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <deque>
#include <string>

namespace {

using namespace visionary::core;
using namespace std::chrono_literals;
using visionary::app_error;
using visionary::error_kind;
using visionary::make_error;
using visionary::outcome;

// Answers at once: the scripted answers first, then numbered suggestions.
class scripted_suggester final : public prompt_suggester {
 public:
  boost::asio::awaitable<outcome<std::string>> suggest(const suggestion_request& request,
                                                       visionary::util::abort_signal&) override {
    ++calls;
    themes.push_back(request.theme.topic);
    if (!answers.empty()) {
      auto answer = answers.front();
      answers.pop_front();
      co_return answer;
    }
    co_return "A lighthouse number " + std::to_string(calls) + " at dusk, watercolor";
  }
  std::string_view model() const override { return "chat-test"; }

  std::deque<outcome<std::string>> answers;
  int calls = 0;
  std::vector<std::string> themes;
};

struct fixture : ::testing::Test {
  boost::asio::io_context io;
  scripted_suggester model;
  visionary::util::metrics_registry registry;
  suggestion_metrics metrics{registry};
  suggestion_service::clock::time_point now = suggestion_service::clock::now();

  suggestion_service make(suggestion_settings settings = {}) {
    return suggestion_service(io.get_executor(), &model, settings, &metrics,
                              [this] { return now; });
  }
  // Runs whatever refill was started, to its end.
  void settle() {
    io.restart();
    io.run();
  }
  double skipped(std::string_view reason) { return metrics.refills_skipped.with({reason}).value(); }
};

using SuggestionService = fixture;

TEST_F(SuggestionService, WithoutAModelEverySuggestionIsOffline) {
  suggestion_service service(io.get_executor(), nullptr, {}, &metrics, [this] { return now; });
  service.start();
  const auto first = service.next();
  settle();
  EXPECT_EQ(first.source, suggestion_source::offline);
  EXPECT_FALSE(first.text.empty());
  EXPECT_TRUE(first.model.empty());
  EXPECT_FALSE(service.model().has_value());
  EXPECT_EQ(metrics.served.with({"offline"}).value(), 1);
}

TEST_F(SuggestionService, StartFillsTheCacheAndEachTakenSuggestionIsReplaced) {
  auto service = make();
  service.start();
  settle();
  EXPECT_EQ(model.calls, 4);
  EXPECT_EQ(service.cached(), 4u);

  const auto first = service.next();
  EXPECT_EQ(first.source, suggestion_source::model);
  EXPECT_EQ(first.model, "chat-test");
  EXPECT_EQ(first.text, "A lighthouse number 1 at dusk, watercolor") << "oldest first";
  EXPECT_EQ(service.cached(), 3u) << "taken at once, before any call";
  settle();
  EXPECT_EQ(model.calls, 5);
  EXPECT_EQ(service.cached(), 4u);
  EXPECT_EQ(service.next().text, "A lighthouse number 2 at dusk, watercolor");
  EXPECT_EQ(metrics.served.with({"model"}).value(), 2);
  EXPECT_EQ(metrics.model_calls.with({"ok"}).value(), 5);
}

TEST_F(SuggestionService, AnEmptyCacheAnswersOfflineAtOnceWithOneRefillInFlight) {
  auto service = make();
  service.start();  // the refill is started but has not run
  for (int i = 0; i < 3; ++i) EXPECT_EQ(service.next().source, suggestion_source::offline);
  settle();
  EXPECT_EQ(model.calls, 4) << "one refill, however many asked meanwhile";
  EXPECT_EQ(service.cached(), 4u);
}

TEST_F(SuggestionService, EachCallIsAboutAnotherTheme) {
  auto service = make(suggestion_settings{.cache_size = 4, .max_calls_per_minute = 30});
  service.start();
  settle();
  ASSERT_EQ(model.themes.size(), 4u);
  for (const auto& topic : model.themes) EXPECT_FALSE(topic.empty());
}

TEST_F(SuggestionService, TheRateCapHoldsCallsBackUntilTheMinuteHasPassed) {
  auto service = make(suggestion_settings{.cache_size = 4, .max_calls_per_minute = 5});
  service.start();
  settle();
  (void)service.next();
  settle();
  EXPECT_EQ(model.calls, 5);
  (void)service.next();
  (void)service.next();
  settle();
  EXPECT_EQ(model.calls, 5) << "five calls in this minute already";
  EXPECT_EQ(service.cached(), 2u);
  EXPECT_EQ(skipped("rate_cap"), 2);

  now += 59s;
  (void)service.next();
  settle();
  EXPECT_EQ(model.calls, 5);
  now += 1s;  // the first calls are a minute old
  (void)service.next();
  settle();
  EXPECT_EQ(model.calls, 9) << "the five calls left the window: the empty cache fills again";
  EXPECT_EQ(service.cached(), 4u);
}

TEST_F(SuggestionService, AFailureMeansOfflineSuggestionsAndNoCallsDuringTheBackOff) {
  model.answers.push_back(make_error(error_kind::provider_unavailable, "down"));
  auto service = make();
  service.start();
  settle();
  EXPECT_EQ(model.calls, 1) << "the refill stops at the failure";
  EXPECT_EQ(service.cached(), 0u);
  EXPECT_EQ(service.next().source, suggestion_source::offline);
  settle();
  now += 29s;
  EXPECT_EQ(service.next().source, suggestion_source::offline);
  settle();
  EXPECT_EQ(model.calls, 1) << "30 s back-off";
  EXPECT_EQ(skipped("backoff"), 2);
  EXPECT_EQ(metrics.model_calls.with({"failed"}).value(), 1);

  now += 1s;
  EXPECT_EQ(service.next().source, suggestion_source::offline);
  settle();
  EXPECT_EQ(model.calls, 5);
  EXPECT_EQ(service.next().source, suggestion_source::model);
}

TEST_F(SuggestionService, ARateLimitsRetryAfterLengthensTheBackOffWithinItsBound) {
  app_error limited = make_error(error_kind::rate_limited, "slow down");
  limited.retry_after_seconds = 120;
  model.answers.push_back(limited);
  auto service = make();
  service.start();
  settle();
  now += 119s;
  (void)service.next();
  settle();
  EXPECT_EQ(model.calls, 1);
  now += 1s;
  (void)service.next();
  settle();
  EXPECT_EQ(model.calls, 5);

  limited.retry_after_seconds = 86'400;
  model.answers.push_back(limited);
  for (int i = 0; i < 4; ++i) (void)service.next();
  settle();
  const int calls = model.calls;
  now += 600s;  // max_backoff
  (void)service.next();
  settle();
  EXPECT_GT(model.calls, calls) << "a day's retry-after is held to the longest back-off";
}

TEST_F(SuggestionService, AnswersAreCleanedAndUnusableOnesAreRefusedWithABackOff) {
  model.answers.push_back(std::string("Prompt: \"A koi pond under cherry blossoms, ukiyo-e\""));
  model.answers.push_back(std::string("\"\""));
  auto service = make();
  service.start();
  settle();
  EXPECT_EQ(model.calls, 2) << "the unusable answer stopped the refill";
  EXPECT_EQ(metrics.model_calls.with({"refused"}).value(), 1);
  EXPECT_EQ(service.next().text, "A koi pond under cherry blossoms, ukiyo-e");
  settle();
  EXPECT_EQ(model.calls, 2) << "backing off after an unusable answer";
}

TEST_F(SuggestionService, StopEndsTheRefillAndStartsNoOther) {
  auto service = make();
  service.start();
  service.stop();
  settle();
  EXPECT_EQ(model.calls, 1) << "the call already started ends the refill";
  (void)service.next();
  (void)service.next();
  settle();
  EXPECT_EQ(model.calls, 1);
}

}  // namespace
