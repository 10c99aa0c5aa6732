// The oracle checked against the reviewed examples: every golden scenario
// (tests/golden/book/*.scn, parsed by tests/scenario.hpp) is played on the naive ReferenceBook
// and its events compared field by field with the expected `<` lines. The golden runner does
// the same for the fast book, so the two books and the examples all agree with each other.
// (The `=` query lines are the golden runner's business: they print the fast book's queries.)
//
// ALPHINTRA_SOURCE_DIR (set by ctest) or the compiled-in ALPHINTRA_REFERENCE_GOLDEN_DIR is the
// repository root.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "book/tests/reference_book.hpp"
#include "book/tests/scenario.hpp"

#ifndef ALPHINTRA_REFERENCE_GOLDEN_DIR
#define ALPHINTRA_REFERENCE_GOLDEN_DIR ""
#endif

namespace alphintra::book::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> goldenFiles() {
  const char* env = std::getenv("ALPHINTRA_SOURCE_DIR");
  const fs::path root{env != nullptr && *env != '\0' ? std::string{env} : std::string{ALPHINTRA_REFERENCE_GOLDEN_DIR}};
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root / "tests" / "golden" / "book", ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".scn") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void play(ReferenceBook& book, const golden::Command& c, std::vector<Event>& out) {
  switch (c.kind) {
    case golden::CommandKind::New: book.submit(c.order, c.time, out); break;
    case golden::CommandKind::Cancel: book.cancel(c.id, c.time, out); break;
    case golden::CommandKind::Replace: book.replace(c.replace, c.time, out); break;
    case golden::CommandKind::MassCancel: book.massCancel(c.account, c.time, out); break;
    case golden::CommandKind::Status: book.setStatus(c.status, c.time, out); break;
    case golden::CommandKind::Tick: book.advanceTime(c.time, out); break;
    case golden::CommandKind::Reference: book.setReferencePrice(c.reference); break;
  }
}

TEST(ReferenceBookGoldenTest, ReferenceBookReproducesEveryGoldenScenario) {
  const std::vector<std::string> files = goldenFiles();
  ASSERT_FALSE(files.empty()) << "no golden scenarios found (ALPHINTRA_SOURCE_DIR)";
  for (const std::string& path : files) {
    auto scenario = golden::loadScenario(path);
    ASSERT_TRUE(scenario.ok()) << scenario.error().field << ": " << scenario.error().message;
    auto instrument = Instrument::create(scenario->instrumentSpec);
    ASSERT_TRUE(instrument.ok()) << path;
    ReferenceBook book(*instrument, scenario->options);
    const golden::EventFormat format(*instrument);
    for (const golden::Step& step : scenario->steps) {
      if (step.isCheck) continue;
      std::vector<Event> events;
      play(book, step.command, events);
      bool same = events.size() == step.expected.size();
      for (std::size_t k = 0; same && k < events.size(); ++k)
        same = golden::sameEvent(events[k], step.expected[k].event);
      if (!same) {
        std::ostringstream s;
        s << path << ":" << step.line << ": the reference book differs from the scenario\n  expected:\n";
        for (const auto& e : step.expected) s << "    " << format.print(e.event, step.command.time) << "\n";
        s << "  reference book:\n";
        for (const auto& e : events) s << "    " << format.print(e, step.command.time) << "\n";
        ADD_FAILURE() << s.str();
        break;  // later steps of this file would only repeat the difference
      }
    }
  }
}

}  // namespace
}  // namespace alphintra::book::testing
