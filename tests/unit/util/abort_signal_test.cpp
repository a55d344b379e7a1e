#include "util/abort_signal.hpp"

#include <gtest/gtest.h>

namespace {

using visionary::util::abort_registration;
using visionary::util::abort_signal;

TEST(AbortSignal, RunsEachRegisteredActionOnce) {
  abort_signal signal;
  int runs = 0;
  abort_registration first(&signal, [&] { ++runs; });
  abort_registration second(&signal, [&] { runs += 10; });
  EXPECT_TRUE(first.active());
  signal.abort();
  signal.abort();
  EXPECT_EQ(runs, 11);
  EXPECT_TRUE(signal.aborted());
}

TEST(AbortSignal, AForgottenActionDoesNotRun) {
  abort_signal signal;
  int runs = 0;
  {
    abort_registration scoped(&signal, [&] { ++runs; });
  }
  signal.abort();
  EXPECT_EQ(runs, 0);
}

// Registering after the signal fired: not registered, and the caller is told to stop.
TEST(AbortSignal, RegisteringAfterAbortTellsTheCallerToStop) {
  abort_signal signal;
  signal.abort();
  int runs = 0;
  abort_registration late(&signal, [&] { ++runs; });
  EXPECT_FALSE(late.active());
  EXPECT_EQ(runs, 0);
  abort_registration none(nullptr, [&] { ++runs; });
  EXPECT_TRUE(none.active());
}

}  // namespace
