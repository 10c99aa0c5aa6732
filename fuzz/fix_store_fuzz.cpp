// Fuzz target: a FIX session store's files as a restart finds them (src/api/fix/fix_store.hpp):
// `messages` (the sent messages back to back), `inbound`, `start` and `created`, any of them
// damaged, cut or missing. The input holds the files as sections, each opened by a line
// "== NAME" (messages, inbound, start, created) and running to the next such line. Whatever the
// bytes: open() refuses with a message or gives a store whose every stored message can be
// loaded for a resend, which takes a new message and a new inbound number, flushes them and
// reopens to the same sequence numbers.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "api/fix/fix_codec.hpp"
#include "api/fix/fix_store.hpp"
#include "fuzz/scratch_path.hpp"

namespace {

using namespace alphintra::api::fix;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fix_store_fuzz: %s\n", what);
  std::abort();
}

// A message as a session would store it (MsgSeqNum `sequence`).
std::string message(std::uint64_t sequence) {
  MessageWriter w;
  w.start("0");
  w.field(tag::SenderCompID, "US");
  w.field(tag::TargetCompID, "CL");
  w.integer(tag::MsgSeqNum, static_cast<std::int64_t>(sequence));
  w.field(tag::SendingTime, "20231114-22:13:20.000");
  return std::string(w.finish());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const alphintra::fuzz::ScratchPath scratch("fix-store");
  const std::filesystem::path& dir = scratch.path();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t header = text.find("== ", at);
    if (header != at) break;  // the input starts with a section, or is nothing but noise
    const std::size_t nameEnd = text.find('\n', at);
    if (nameEnd == std::string_view::npos) break;
    const std::string_view name = text.substr(at + 3, nameEnd - at - 3);
    std::size_t next = text.find("\n== ", nameEnd);
    const std::string_view content =
        text.substr(nameEnd + 1, (next == std::string_view::npos ? text.size() : next) - nameEnd - 1);
    if (name == "messages" || name == "inbound" || name == "start" || name == "created") {
      std::ofstream(dir / std::string(name), std::ios::binary)
          .write(content.data(), static_cast<std::streamsize>(content.size()));
    }
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  {
    auto opened = SessionStore::open(dir, 4);
    if (!opened) {
      if (opened.error().message.empty()) fail("a refused store without a message");
      return 0;
    }
    SessionStore& store = *opened.value();
    if (store.flush()) return 0;  // an error writing (named); a flush may also prune (retention)
    std::string out;
    for (std::uint64_t s = store.firstStored(); s < store.nextOutbound(); ++s) {
      if (!store.load(s, out)) fail("a stored message cannot be loaded");
    }
    const std::uint64_t next = store.nextOutbound();
    store.append(message(next));
    store.setNextInbound(store.nextInbound() + 1);
    if (store.flush()) return 0;  // an error writing (named): nothing more to check
    const std::uint64_t inbound = store.nextInbound();
    opened.value().reset();
    auto again = SessionStore::open(dir, 4);
    if (!again) {
      std::fprintf(stderr, "%s\n", again.error().message.c_str());
      fail("a store this process wrote does not open again");
    }
    if (again.value()->nextOutbound() != next + 1) {
      std::fprintf(stderr, "before %llu after %llu\n", static_cast<unsigned long long>(next + 1),
                   static_cast<unsigned long long>(again.value()->nextOutbound()));
      fail("the reopened store's outbound sequence differs");
    }
    if (again.value()->nextInbound() != inbound) fail("the reopened store's inbound sequence differs");
    if (!again.value()->load(next, out) || out != message(next)) fail("the message appended is not stored");
  }
  return 0;
}
