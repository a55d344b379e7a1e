#include "http/connection_table.hpp"

#include <gtest/gtest.h>

namespace {

using visionary::http::connection_caps;
using visionary::http::connection_table;
using ids = std::vector<connection_table::id>;

TEST(ConnectionTable, AdmitsUpToTheTotalThenReplacesTheLongestWaiting) {
  connection_table table(connection_caps{3, 0});
  for (connection_table::id c = 1; c <= 3; ++c) EXPECT_TRUE(table.admit(c, "a", false).admitted);
  const auto fourth = table.admit(4, "b", false);
  EXPECT_TRUE(fourth.admitted);
  EXPECT_EQ(fourth.evicted, ids{1});
  EXPECT_EQ(table.size(), 3u);
  EXPECT_FALSE(table.contains(1));
}

TEST(ConnectionTable, WorkingConnectionsAreNeverEvicted) {
  connection_table table(connection_caps{2, 0});
  ASSERT_TRUE(table.admit(1, "a", false).admitted);
  ASSERT_TRUE(table.admit(2, "a", false).admitted);
  ASSERT_TRUE(table.start_work(1));
  ASSERT_TRUE(table.start_work(2));
  const auto refused = table.admit(3, "b", false);
  EXPECT_FALSE(refused.admitted);
  EXPECT_TRUE(refused.evicted.empty());
  EXPECT_FALSE(table.contains(3));
  // Back to waiting after its answer: now the oldest waiter, so the next one replaces it.
  table.finish_work(2);
  EXPECT_EQ(table.admit(4, "b", false).evicted, ids{2});
}

TEST(ConnectionTable, KeepAliveReturnMakesAConnectionTheNewestWaiter) {
  connection_table table(connection_caps{2, 0});
  ASSERT_TRUE(table.admit(1, "a", false).admitted);
  ASSERT_TRUE(table.admit(2, "a", false).admitted);
  ASSERT_TRUE(table.start_work(1));
  table.finish_work(1);
  EXPECT_EQ(table.admit(3, "a", false).evicted, ids{2});
}

// An idle keep-alive: admitted, one request answered, waiting for the next.
void admit_answered(connection_table& table, connection_table::id c, const std::string& client) {
  ASSERT_TRUE(table.admit(c, client, false).admitted);
  ASSERT_TRUE(table.start_work(c));
  table.finish_work(c);
}

TEST(ConnectionTable, PerClientCapEvictsOnlyThatClientsConnections) {
  connection_table table(connection_caps{10, 2});
  admit_answered(table, 1, "victim");
  admit_answered(table, 2, "greedy");
  admit_answered(table, 3, "greedy");
  const auto more = table.admit(4, "greedy", false);
  EXPECT_TRUE(more.admitted);
  EXPECT_EQ(more.evicted, ids{2});
  EXPECT_TRUE(table.contains(1));
  ASSERT_TRUE(table.start_work(3));
  ASSERT_TRUE(table.start_work(4));
  EXPECT_FALSE(table.admit(5, "greedy", false).admitted) << "both of its connections are working";
  EXPECT_TRUE(table.admit(6, "other", false).admitted);
}

TEST(ConnectionTable, AtItsCapAClientsBurstIsRefusedRatherThanClosingItsFreshConnections) {
  connection_table table(connection_caps{10, 2});
  ASSERT_TRUE(table.admit(1, "a", false).admitted);
  ASSERT_TRUE(table.admit(2, "a", false).admitted);
  const auto third = table.admit(3, "a", false);
  EXPECT_FALSE(third.admitted);
  EXPECT_EQ(third.refused_by, connection_table::refusal::client_cap);
  EXPECT_TRUE(third.evicted.empty());
  // One still sending its request may be replaced, like an idle keep-alive.
  EXPECT_TRUE(table.hold_buffered(1, 100).empty());
  EXPECT_EQ(table.admit(4, "a", false).evicted, ids{1});
}

TEST(ConnectionTable, AConnectionSilentPastTheGraceIsReplacedByItsOwnClient) {
  using std::chrono::milliseconds;
  connection_table table(connection_caps{10, 2, 1 << 20, milliseconds(2000)});
  const connection_table::time_point start{};
  ASSERT_TRUE(table.admit(1, "a", false, {}, start).admitted);
  ASSERT_TRUE(table.admit(2, "a", false, {}, start + milliseconds(500)).admitted);
  EXPECT_FALSE(table.admit(3, "a", false, {}, start + milliseconds(1999)).admitted);
  const auto later = table.admit(4, "a", false, {}, start + milliseconds(2001));
  EXPECT_TRUE(later.admitted);
  EXPECT_EQ(later.evicted, ids{1}) << "1 has been silent for 2.001 s, 2 only for 1.501 s";
}

TEST(ConnectionTable, AConnectionWhoseRequestHasArrivedIsNotReplaced) {
  connection_table table(connection_caps{10, 3});
  for (connection_table::id c = 1; c <= 3; ++c) admit_answered(table, c, "a");
  // 1 and 2 have requests waiting to be read; 3 is idle.
  const auto only_idle = [](connection_table::id c) { return c == 3; };
  const auto fourth = table.admit(4, "a", false, only_idle);
  EXPECT_TRUE(fourth.admitted);
  EXPECT_EQ(fourth.evicted, ids{3});
  const auto none = [](connection_table::id) { return false; };
  const auto fifth = table.admit(5, "a", false, none);
  EXPECT_FALSE(fifth.admitted);
  EXPECT_EQ(fifth.refused_by, connection_table::refusal::client_cap);
  EXPECT_TRUE(fifth.evicted.empty());
  EXPECT_EQ(table.size(), 3u);
}

TEST(ConnectionTable, RefusalSaysWhichCapWasReached) {
  connection_table table(connection_caps{2, 0});
  ASSERT_TRUE(table.admit(1, "a", false).admitted);
  ASSERT_TRUE(table.admit(2, "b", false).admitted);
  const auto none = [](connection_table::id) { return false; };
  const auto third = table.admit(3, "c", false, none);
  EXPECT_FALSE(third.admitted);
  EXPECT_EQ(third.refused_by, connection_table::refusal::total_cap);
  EXPECT_EQ(table.admit(4, "c", false).refused_by, connection_table::refusal::none);
}

TEST(ConnectionTable, ReplacementLooksAtABoundedNumberOfCandidates) {
  const auto bound = connection_table::max_replacement_candidates;
  connection_table table(connection_caps{bound + 1, 0});
  for (connection_table::id c = 1; c <= bound + 1; ++c)
    ASSERT_TRUE(table.admit(c, "a", false).admitted);
  std::size_t asked = 0;
  // Only the newest is replaceable, and it lies past the bound: the newcomer is refused.
  const auto newest_only = [&](connection_table::id c) {
    ++asked;
    return c == bound + 1;
  };
  EXPECT_FALSE(table.admit(100, "b", false, newest_only).admitted);
  EXPECT_EQ(asked, bound);
}

TEST(ConnectionTable, UncappedClientsCountOnlyInTheTotal) {
  connection_table table(connection_caps{4, 1});
  EXPECT_TRUE(table.admit(1, "proxy", true).admitted);
  EXPECT_TRUE(table.admit(2, "proxy", true).admitted);
  EXPECT_TRUE(table.admit(3, "proxy", true).admitted);
  const auto fourth = table.admit(4, "proxy", true);
  EXPECT_TRUE(fourth.admitted);
  EXPECT_TRUE(fourth.evicted.empty());
  EXPECT_EQ(table.admit(5, "proxy", true).evicted, ids{1});
}

TEST(ConnectionTable, EvictedConnectionCannotStartWork) {
  connection_table table(connection_caps{1, 0});
  ASSERT_TRUE(table.admit(1, "a", false).admitted);
  ASSERT_EQ(table.admit(2, "a", false).evicted, ids{1});
  EXPECT_FALSE(table.start_work(1));
  table.remove(1);  // forgetting twice is harmless
  table.remove(2);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.admit(3, "a", false).admitted);
}

TEST(ConnectionTable, ThousandsOfClientsStayWithinTheCaps) {
  connection_table table(connection_caps{500, 3});
  std::size_t evicted = 0;
  for (connection_table::id c = 0; c < 5000; ++c) {
    const auto result = table.admit(c, "client-" + std::to_string(c % 700), false);
    ASSERT_TRUE(result.admitted);
    evicted += result.evicted.size();
    ASSERT_LE(table.size(), 500u);
  }
  EXPECT_EQ(evicted, 4500u);
}

TEST(ConnectionTable, SlowSendersBeyondTheBufferBudgetAreClosedOldestFirst) {
  connection_table table(connection_caps{100, 0, 1000});
  for (connection_table::id c = 1; c <= 4; ++c) ASSERT_TRUE(table.admit(c, "a", false).admitted);
  EXPECT_TRUE(table.hold_buffered(2, 400).empty());
  EXPECT_TRUE(table.hold_buffered(3, 400).empty());
  // 1 holds nothing, so the oldest sender (2) is the one closed.
  EXPECT_EQ(table.hold_buffered(4, 400), ids{2});
  EXPECT_EQ(table.buffered_bytes(), 800u);
  EXPECT_FALSE(table.contains(2));
  EXPECT_TRUE(table.contains(1));
  // A request that is complete is the handler's: its bytes no longer count.
  ASSERT_TRUE(table.start_work(3));
  EXPECT_EQ(table.buffered_bytes(), 400u);
  // Growing past the budget alone closes the sender itself.
  EXPECT_EQ(table.hold_buffered(4, 1200), ids{4});
  EXPECT_EQ(table.buffered_bytes(), 0u);
}

}  // namespace
