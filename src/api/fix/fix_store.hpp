// SessionStore: what a FIX session must remember across a disconnect or a restart — the
// messages it sent (so that a ResendRequest can be answered) and the next inbound sequence
// number it expects. The next outbound sequence number is the number of stored messages + 1.
//
// On disk (one directory per session): `messages` is the sent messages, whole and back to back
// as they went on the wire; `inbound` holds the next expected inbound MsgSeqNum as text. With an
// empty directory path the store keeps both in memory only (unit tests).
//
// Writes are buffered: append() and setNextInbound() change memory, flush() makes them reach
// the file (one write() per flush, no fsync — a killed process loses nothing written, a lost
// machine may lose the last messages, which the counterparty then sees as a gap it repairs by
// resend). The gateway flushes before it puts the same bytes on the socket, so the counterparty
// never holds a message the store does not.
//
// Open reads `messages` frame by frame to rebuild the index (offset of each sequence number);
// a torn tail (a frame cut by a crash mid-write) is cut off.
//
// Retention (`keepMessages` > 0): once twice that many messages are stored, a flush drops all
// but the newest keepMessages — a resend of older ones is answered with a gap fill, as for
// session messages. The file is not rewritten: `start` (20 digits) records the byte offset of
// the oldest kept message, synced before the bytes before it are punched out of `messages`
// (fallocate PUNCH_HOLE: the disk space goes back, offsets stay; on a file system without
// holes only the index shrinks). Open frames `messages` from that offset. A crash between the
// two steps leaves bytes that are no longer read.
// `created` holds when the sequence numbers began (the session's schedule resets the store in
// every new period; fix_schedule.hpp), as 20 digits of nanoseconds since the epoch.
// Threading: one thread (the FIX gateway's). Known limits: the index holds 8 bytes per stored
// message in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace alphintra::api::fix {

class SessionStore {
 public:
  // Creates the directory when missing. An empty path keeps the store in memory. keepMessages:
  // the sent messages kept for resend (see Retention above); 0 keeps every one.
  static Result<std::unique_ptr<SessionStore>> open(const std::filesystem::path& dir, std::uint64_t keepMessages = 0);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  std::uint64_t nextOutbound() const noexcept { return firstSequence_ + offsets_.size(); }
  // The oldest sent message still stored (nextOutbound() when none is).
  std::uint64_t firstStored() const noexcept { return firstSequence_; }
  std::uint64_t nextInbound() const noexcept { return nextInbound_; }
  void setNextInbound(std::uint64_t sequence) noexcept;

  // Stores `message`, which carries MsgSeqNum nextOutbound().
  void append(std::string_view message);
  // The stored message with `sequence`, copied into `out`; false when it is not stored.
  bool load(std::uint64_t sequence, std::string& out);
  // Both sequence numbers back to 1, the stored messages dropped (Logon with ResetSeqNumFlag, a
  // new period of the session's schedule); `now` becomes created().
  std::optional<Error> reset(std::int64_t now = 0);
  // When the sequence numbers began (the last reset; nanoseconds since the epoch, UTC); 0: not
  // known (a store that was never reset since this was recorded).
  std::int64_t created() const noexcept { return created_; }
  std::optional<Error> setCreated(std::int64_t at);
  // Writes what append() and setNextInbound() changed; an error names the file.
  std::optional<Error> flush();

 private:
  SessionStore() = default;
  std::optional<Error> writeInbound();
  std::optional<Error> writeStart(std::uint64_t offset);
  std::optional<Error> prune();  // flush(): drops all but the newest keep_ messages

  std::filesystem::path dir_;
  int messagesFd_ = -1;
  int inboundFd_ = -1;
  int startFd_ = -1;
  int createdFd_ = -1;
  std::int64_t created_ = 0;
  std::uint64_t keep_ = 0;
  std::uint64_t firstSequence_ = 1;
  std::vector<std::uint64_t> offsets_;  // offsets_[i]: start of message firstSequence_ + i
  std::uint64_t memoryBase_ = 0;        // memory mode: the offset of memory_'s first byte
  std::uint64_t fileBytes_ = 0;         // bytes of `messages` on disk (or in memory_)
  std::string pending_;                 // appended, not yet written
  std::string memory_;                  // the whole log, in memory mode
  std::uint64_t nextInbound_ = 1;
  bool inboundDirty_ = false;
};

}  // namespace alphintra::api::fix
