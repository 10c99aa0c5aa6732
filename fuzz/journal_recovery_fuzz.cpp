// Fuzz target: the journal and crash recovery. The input's lines are engine-protocol commands
// (parsed as the edge parses them, against the same listing as engine_protocol_fuzz), plus:
//
//   PATCH k v     the previous command's encoded bytes with byte k (mod its length) set to v,
//                 journaled as one more record: a record whose CRC is right and whose fields
//                 are not what any edge would write (a record from another build, a bug)
//   DAMAGE k v    after writing, byte k (mod the journal's size) of the journal files is set to v
//   TRUNCATE k    after writing, the journal files are cut at byte k (mod their size)
//
// The records go through store::JournalWriter (small segments, so that several files roll) and
// are applied to a live engine as they are written; then engine::recover rebuilds an engine
// from the directory. Without damage the recovery must succeed and reach the live engine's
// state hash — or, when a record does not decode (a patched one), refuse; with damage it may
// refuse (an error naming what is wrong) or recover a prefix, never crash.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "api/directory.hpp"
#include "api/json_commands.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"
#include "engine/recovery.hpp"
#include "fuzz/fuzz_input.hpp"
#include "store/journal.hpp"

namespace {

using namespace alphintra;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "journal_recovery_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

constexpr const char* kSetup[] = {
    R"({"type":"define_instrument","instrument":1,"symbol":"AAPL","venue":"SIM","assetClass":"equity","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.01","lotSize":"1"})",
    R"({"type":"define_instrument","instrument":2,"symbol":"ES","venue":"SIM","assetClass":"future","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.25","lotSize":"1","multiplier":"50"})",
    R"({"type":"open_account","account":1,"currency":"USD","accountType":"cash"})",
    R"({"type":"open_account","account":2,"currency":"USD","accountType":"margin"})",
    R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"1000000.00"})",
    R"({"type":"adjust_cash","account":2,"currency":"USD","amount":"250000.00"})",
};

std::uint64_t number(std::string_view text) {
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

// The journal's files in order, and their bytes as one stream (for damage at an offset).
std::vector<std::filesystem::path> journalFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".log") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Harness {
 public:
  Harness()
      : dir_(std::filesystem::temp_directory_path() / ("alphintra-fuzz-journal-" + std::to_string(::getpid()))),
        live_(alphintra::fuzz::smallEngine()) {
    std::filesystem::remove_all(dir_);
    store::JournalOptions options;
    options.segmentBytes = 4096;
    options.durability = store::Durability::None;
    auto writer = store::JournalWriter::open(dir_, options);
    if (!writer) fail("the journal does not open", writer.error().message);
    writer_.emplace(std::move(writer).value());
    for (const char* line : kSetup) command(line);
  }
  ~Harness() { std::filesystem::remove_all(dir_); }

  void line(std::string_view text) {
    if (text.starts_with("PATCH ")) {
      if (last_.empty()) return;
      const std::size_t space = text.find(' ', 6);
      std::vector<std::byte> bytes = last_;
      // The new record's own sequence in its header (as the sequencer stamps it), then the patch.
      const std::uint64_t sequence = writer_->nextSequence();
      std::memcpy(bytes.data() + offsetof(engine::CommandHeader, sequence), &sequence, sizeof sequence);
      bytes[number(text.substr(6)) % bytes.size()] =
          static_cast<std::byte>(space == std::string_view::npos ? 0 : number(text.substr(space + 1)) & 0xff);
      record(bytes);
    } else if (text.starts_with("DAMAGE ")) {
      const std::size_t space = text.find(' ', 7);
      damage_.push_back(
          {number(text.substr(7)), space == std::string_view::npos ? 0 : number(text.substr(space + 1)), false});
    } else if (text.starts_with("TRUNCATE ")) {
      damage_.push_back({number(text.substr(9)), 0, true});
    } else {
      command(text);
    }
  }

  void finish() {
    if (!writer_->close()) fail("the journal does not close", "");
    writer_.reset();
    damage();
    engine::RecoveryOptions options;
    options.journalDir = dir_;
    options.snapshotDir = dir_ / "snapshots";
    options.useSnapshots = false;
    options.engine = alphintra::fuzz::smallEngine();
    auto recovered = engine::recover(options);
    if (std::getenv("FUZZ_TRACE") != nullptr) {
      std::fprintf(stderr, "%s\n",
                   recovered ? fmt::format("recovered {} records", recovered->replayed).c_str()
                             : recovered.error().message.c_str());
    }
    if (damage_.empty() && !undecodable_) {
      if (!recovered) fail("an undamaged journal does not recover", recovered.error().message);
      if (recovered->engine->stateHash() != live_.stateHash())
        fail("the recovered state differs from the live one", "");
    } else if (damage_.empty() && recovered) {
      fail("a journal holding a record that does not decode recovered (rule 7: refused)", "");
    } else if (!recovered && recovered.error().message.empty()) {
      fail("a refused journal without a message", "");
    }
  }

 private:
  struct Damage {
    std::uint64_t at;
    std::uint64_t value;
    bool truncate;
  };

  void command(std::string_view text) {
    auto parsed = api::parseCommand(text, directory_, 1);
    if (!parsed) return;
    std::vector<std::byte> bytes(sizeof(engine::Command));
    engine::Command c = parsed.value();
    c.header.sequence = writer_->nextSequence();
    c.header.time = Timestamp(1'700'000'000'000'000'000 + static_cast<std::int64_t>(c.header.sequence) * 1'000'000);
    bytes.resize(engine::encode(c, bytes));
    last_ = bytes;
    record(bytes);
  }

  // Journals `bytes` and applies them to the live engine as recovery will (decoded, or not at all).
  void record(const std::vector<std::byte>& bytes) {
    const std::uint64_t sequence = writer_->nextSequence();
    if (!writer_->append(bytes)) fail("append refused", "");
    auto decoded = engine::decode(bytes, sequence);
    if (!decoded) {
      undecodable_ = true;  // recovery refuses the journal from this record on
      return;
    }
    if (undecodable_) return;
    events_.clear();
    live_.apply(decoded.value(), events_);
  }

  void damage() {
    if (damage_.empty()) return;
    const auto files = journalFiles(dir_);
    std::uint64_t total = 0;
    for (const auto& f : files) total += std::filesystem::file_size(f);
    if (total == 0) return;
    for (const Damage& d : damage_) {
      std::uint64_t at = d.at % total;
      for (const auto& f : files) {
        const std::uint64_t size = std::filesystem::file_size(f);
        if (at >= size) {
          at -= size;
          continue;
        }
        if (d.truncate) {
          std::filesystem::resize_file(f, at);
        } else {
          std::fstream io(f, std::ios::in | std::ios::out | std::ios::binary);
          io.seekp(static_cast<std::streamoff>(at));
          io.put(static_cast<char>(d.value & 0xff));
        }
        break;
      }
    }
  }

  std::filesystem::path dir_;
  api::Directory directory_;
  engine::Engine live_;
  std::optional<store::JournalWriter> writer_;
  std::vector<engine::EngineEvent> events_;
  std::vector<std::byte> last_;
  std::vector<Damage> damage_;
  bool undecodable_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness h;
  for (const std::string_view line : alphintra::fuzz::lines(data, size)) h.line(line);
  h.finish();
  return 0;
}
