// Order table benchmark: what a purge of finished orders costs the engine thread while many
// orders of other accounts are parked below the window — serve's situation, where the
// simulator's accounts are purged every minute with minutes of retention while the other
// accounts keep a day of finished orders. Prints one line per figure and, last, one JSON object.
//
//   alphintra_order_table_bench [--parked N] [--purges P] [--per-purge K]
//
// Setup: N orders of account 1, each finished at once; one purge of the simulator's range
// (accounts from 1000) with a cutoff after them parks all N (not in range). Then P rounds: K
// orders of account 1000, finished, and a purge of accounts from 1000 at a cutoff after them;
// each purge is timed on its own (steady clock). Last, a purge of account 1 retires the N.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "oms/order_table.hpp"

namespace {

using alphintra::AccountId;
using alphintra::ClientOrderId;
using alphintra::Price;
using alphintra::Quantity;
using alphintra::Timestamp;
using alphintra::oms::OrderRequest;
using alphintra::oms::OrderTable;
using alphintra::oms::OrdStatus;
using Clock = std::chrono::steady_clock;

std::uint64_t argValue(int argc, char** argv, const char* name, std::uint64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(argv[i + 1], &end, 10);
      if (end == argv[i + 1] || *end != '\0' || v == 0) {
        std::fprintf(stderr, "%s: expected a positive integer, got '%s'\n", name, argv[i + 1]);
        std::exit(2);
      }
      return v;
    }
  }
  return fallback;
}

void addFinished(OrderTable& t, std::uint64_t account, std::int64_t& now, std::uint64_t count) {
  OrderRequest r;
  r.account = AccountId{account};
  r.quantity = Quantity::fromRaw(100);
  r.price = Price::fromRaw(1000);
  for (std::uint64_t i = 0; i < count; ++i) {
    ++now;
    r.clientOrderId = ClientOrderId::fromTrusted(fmt::format("{}-{}", account, now));
    auto& o = t.create(r, Timestamp(now));
    o.state.base = OrdStatus::Filled;
    o.updatedTime = Timestamp(now);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t parked = argValue(argc, argv, "--parked", 1'000'000);
  const std::uint64_t purges = argValue(argc, argv, "--purges", 50);
  const std::uint64_t perPurge = argValue(argc, argv, "--per-purge", 20'000);
  const AccountId simulator{1000};

  OrderTable t;
  std::int64_t now = 0;
  addFinished(t, 1, now, parked);
  t.purgeFinished(Timestamp(now + 1), simulator);  // parks them all: not in the range
  std::vector<double> micros;
  std::uint64_t retired = 0;
  for (std::uint64_t p = 0; p < purges; ++p) {
    addFinished(t, simulator.value(), now, perPurge);
    const auto start = Clock::now();
    retired += t.purgeFinished(Timestamp(now + 1), simulator).purged;
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  const auto start = Clock::now();
  const std::size_t own = t.purgeFinished(Timestamp(now + 1), AccountId{1}, AccountId{999}).purged;
  const double ownMicros = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  std::sort(micros.begin(), micros.end());
  const double median = micros[micros.size() / 2];
  const double worst = micros.back();
  std::printf("parked orders of other accounts: %llu\n", static_cast<unsigned long long>(parked));
  std::printf("simulator purge (%llu orders retired each): median %.1f us, worst %.1f us (%.3f us per retired order)\n",
              static_cast<unsigned long long>(perPurge), median, worst, median / static_cast<double>(perPurge));
  std::printf("purge of the parked account: %zu retired in %.1f us\n", own, ownMicros);
  std::printf(
      "{\"parked\":%llu,\"per_purge\":%llu,\"purges\":%llu,\"retired\":%llu,\"purge_median_us\":%.1f,"
      "\"purge_worst_us\":%.1f,\"parked_purge_us\":%.1f,\"parked_retired\":%zu}\n",
      static_cast<unsigned long long>(parked), static_cast<unsigned long long>(perPurge),
      static_cast<unsigned long long>(purges), static_cast<unsigned long long>(retired), median, worst, ownMicros, own);
  return 0;
}
