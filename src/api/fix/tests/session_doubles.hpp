// Test doubles of the FIX session tests: an output that records what a session writes, and a
// message's fields by tag.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/fix/fix_session.hpp"

namespace alphintra::api::fix::doubles {

struct RecordingOutput : SessionOutput {
  std::vector<std::string> written;
  bool closed = false;
  void write(std::string_view bytes) override { written.emplace_back(bytes); }
  void close() override { closed = true; }
};

// The fields of a message by tag (the last one of a tag given twice).
inline std::map<std::uint32_t, std::string> fieldsOf(std::string_view m) {
  MessageView v;
  v.parse(m);
  std::map<std::uint32_t, std::string> out;
  for (const Field& f : v) out[f.tag] = std::string(f.value);
  return out;
}

}  // namespace alphintra::api::fix::doubles
