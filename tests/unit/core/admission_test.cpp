#include "core/admission.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace visionary::core;
using namespace std::chrono_literals;
using visionary::error_kind;

admission_settings ten_per_minute(int server_cap = 0, int client_cap = 0) {
  auto settings = parse_client_rate("10/min", admission_settings{});
  EXPECT_TRUE(settings.has_value());
  settings->max_in_flight = server_cap;
  settings->client_max_in_flight = client_cap;
  return *settings;
}

TEST(Admission, BurstThenRateLimitedUntilTheNextTokenIsDue) {
  admission_control admission(ten_per_minute());
  const auto start = admission_control::clock::now();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(admission.admit("a", start).has_value()) << i;
  const auto refused = admission.admit("a", start);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, error_kind::rate_limited);
  EXPECT_EQ(refused.error().retry_after_seconds, 6) << "10/min refills one every 6 s";
  EXPECT_TRUE(admission.admit("b", start).has_value()) << "other clients have their own bucket";
  EXPECT_FALSE(admission.admit("a", start + 5s).has_value());
  EXPECT_TRUE(admission.admit("a", start + 6s).has_value());
  EXPECT_FALSE(admission.admit("a", start + 6s).has_value());
}

TEST(Admission, ClientInFlightCapFreesWhenATicketEnds) {
  admission_control admission(ten_per_minute(0, 2));
  const auto now = admission_control::clock::now();
  auto first = admission.admit("a", now);
  auto second = admission.admit("a", now);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(admission.state("a").in_flight, 2);
  const auto third = admission.admit("a", now);
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().kind, error_kind::too_many_in_flight);
  EXPECT_GT(third.error().retry_after_seconds.value_or(0), 0);
  *first = admission_ticket();  // the generation finished
  EXPECT_EQ(admission.state("a").in_flight, 1);
  EXPECT_TRUE(admission.admit("a", now).has_value());
}

TEST(Admission, ServerWideCapCountsEveryClient) {
  admission_control admission(ten_per_minute(3, 0));
  const auto now = admission_control::clock::now();
  std::vector<admission_ticket> held;
  for (const char* client : {"a", "b", "c"})
    held.push_back(std::move(*admission.admit(client, now)));
  const auto refused = admission.admit("d", now);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, error_kind::too_many_in_flight);
  held.pop_back();
  EXPECT_TRUE(admission.admit("d", now).has_value());
}

TEST(Admission, MovedTicketsReleaseOnce) {
  admission_control admission(ten_per_minute(1, 0));
  const auto now = admission_control::clock::now();
  auto ticket = std::move(*admission.admit("a", now));
  admission_ticket moved(std::move(ticket));
  ticket = admission_ticket();  // releasing the moved-from ticket frees nothing
  EXPECT_FALSE(admission.admit("b", now).has_value());
  moved = admission_ticket();
  EXPECT_TRUE(admission.admit("b", now).has_value());
}

TEST(Admission, RatesParseAsCountPerUnit) {
  const auto per_second = parse_client_rate("2/s", admission_settings{});
  ASSERT_TRUE(per_second.has_value());
  EXPECT_DOUBLE_EQ(per_second->rate_per_second, 2);
  EXPECT_DOUBLE_EQ(per_second->burst, 2);
  const auto per_hour = parse_client_rate(" 120 / hour ", admission_settings{});
  ASSERT_TRUE(per_hour.has_value());
  EXPECT_DOUBLE_EQ(per_hour->rate_per_second, 120.0 / 3600);
  for (const char* bad : {"10", "x/min", "0/min", "10/fortnight", "-1/s", "/s", ""}) {
    EXPECT_FALSE(parse_client_rate(bad, admission_settings{}).has_value()) << bad;
  }
}

TEST(Admission, IdleClientsAreForgottenBeyondTheTableLimit) {
  admission_control admission(ten_per_minute());
  const auto now = admission_control::clock::now();
  for (std::size_t i = 0; i < admission_control::max_tracked_clients + 10; ++i) {
    ASSERT_TRUE(admission.admit("client-" + std::to_string(i), now).has_value());
  }
  EXPECT_LE(admission.tracked_clients(), admission_control::max_tracked_clients);
}

}  // namespace
