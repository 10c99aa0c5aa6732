// Test doubles of the FIX session tests: an output that records what a session writes, a
// message's fields by tag, and a message as a counterparty would send it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
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

// A framed message from the counterparty `sender` to `target`: the header (35, 49, 56, 34, 52)
// then `body` in order.
inline std::string counterpartyMessage(std::string_view type, std::string_view sender, std::string_view target,
                                       std::uint64_t seq, std::int64_t sendingTime,
                                       const std::vector<std::pair<std::uint32_t, std::string>>& body = {}) {
  MessageWriter w;
  w.start(type);
  w.field(tag::SenderCompID, sender);
  w.field(tag::TargetCompID, target);
  w.integer(tag::MsgSeqNum, static_cast<std::int64_t>(seq));
  w.timestamp(tag::SendingTime, sendingTime);
  for (const auto& [t, v] : body) w.field(t, v);
  return std::string(w.finish());
}

}  // namespace alphintra::api::fix::doubles
