// OrderEntry: the application layer of the FIX acceptor — FIX order messages in, engine
// commands out; engine events in, FIX reports out. The same engine orders as REST's: a FIX
// session trades one account, and every report about that account's orders (whoever entered
// them) goes to the account's sessions. A drop-copy session (FixSessionConfig::dropCopy) trades
// nothing: it gets the execution reports of every account's orders (or of its copiedAccounts),
// and each order message it sends is answered with a BusinessMessageReject (380=6, not
// authorized).
//
// In:  NewOrderSingle (D), OrderCancelRequest (F), OrderCancelReplaceRequest (G),
//      OrderStatusRequest (H), OrderMassCancelRequest (q).
// Out: ExecutionReport (8), OrderCancelReject (9), BusinessMessageReject (j),
//      OrderMassCancelReport (r).
// Validation follows api::parseCommand's rules (docs/engine-protocol.md), read straight from the
// FIX fields into an engine::Command (no JSON, no allocation on the way in): a required tag
// missing, a value of the wrong format or outside the values FIX defines is a session Reject
// (35=3); a well-formed order the edge refuses (unknown symbol, price off tick, a FIX value we do
// not support, another account) is an ExecutionReport with OrdStatus=Rejected, like the engine's
// own refusals; a supported-by-FIX message we do not take is a BusinessMessageReject (380=3).
//
// Owns: a cache of instruments (from the Directory, filled on first use), the last report of
// every order of the sessions' accounts that the engine still holds (for OrderStatusRequest;
// loaded from the recovered engine at start, retired with the engine's purges), and the open
// mass-cancel requests by request id.
// Threading: the gateway's thread only (the publisher hands events over through a ring).
// Known limits: the fields of repeating groups (parties, allocations) are checked, not used;
// ExecInst supports only 6 (participate don't initiate = post only). A drop copy gets the
// engine's reports, not the edge's refusals of malformed orders (those go to their sender only).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/directory.hpp"
#include "api/fix/fix_session.hpp"
#include "api/fix/report_table.hpp"
#include "engine/command.hpp"
#include "engine/engine.hpp"
#include "engine/event.hpp"

namespace alphintra::api::fix {

class OrderEntry final : public SessionApplication {
 public:
  // Hands one command to the engine; false when the engine cannot take it (stopping, failed).
  using Submit = std::function<bool(const engine::Command&)>;

  OrderEntry(const Directory& directory, std::uint32_t source, Submit submit);

  void addSession(Session& session);
  // Whether an order-entry session trades `account` (its orders' last reports are kept).
  bool tracks(AccountId account) const noexcept;
  // The accounts whose reports drop copies get (default: every account).
  void setDropCopyAccounts(std::function<bool(AccountId)> accounts) { dropCopyAccounts_ = std::move(accounts); }
  // Whether a report about `account` goes to any session (a tracked account, or a drop copy's).
  bool reportsAbout(AccountId account) const { return tracks(account) || copies(account); }
  // The orders of the sessions' accounts in a recovered engine (before its threads run).
  void load(const engine::Engine& engine);

  void onApplicationMessage(Session& session, const MessageView& message, std::int64_t now) override;
  // Reports about the sessions' accounts and answers to our own requests; a PurgeOrders result
  // (from FixGateway::retireOrders) goes to onOrdersRetired.
  void onEvent(const engine::EngineEvent& event, std::int64_t now);
  // The engine retired the finished orders below `below` last changed before `cutoff` (`retired`
  // of them, every account counted). A status request for one then answers "unknown order", as
  // after a restart — once the table's next compaction has run: it runs when the orders retired
  // since the last one reach half the table (and kMinCompaction), so that each compaction of the
  // whole table frees at least half of it. Until then a retired order's last report is still
  // answered.
  static constexpr std::uint64_t kMinCompaction = 4096;
  void onOrdersRetired(Timestamp cutoff, OrderId below, std::uint64_t retired);

  std::size_t orderCount() const noexcept { return reports_.size(); }

 private:
  struct PendingMassCancel {
    Session* session = nullptr;
    ClientOrderId clientOrderId;
    char requestType = '7';
  };

  // Whether the drop copies get reports about `account`.
  bool copies(AccountId account) const {
    return !dropCopies_.empty() && (!dropCopyAccounts_ || dropCopyAccounts_(account));
  }
  const Instrument* instrumentBySymbol(std::string_view symbol);
  const Instrument* instrumentById(InstrumentId id);
  bool submit(Session& session, const MessageView& m, engine::Command& c, std::int64_t now);

  void onNewOrder(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now);
  void onCancel(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now);
  void onReplace(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now);
  void onStatus(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now);
  void onMassCancel(Session& s, const MessageView& m, std::uint64_t seq, std::int64_t now);

  void remember(const engine::ExecutionReport& r, Timestamp time);
  void writeReport(Session& s, const engine::ExecutionReport& r, std::int64_t transactTime, std::int64_t now);
  void writeCancelReject(Session& s, const engine::CancelRejectReport& r, std::int64_t now);
  // An ExecutionReport rejecting a NewOrderSingle the edge refused.
  void rejectOrder(Session& s, const MessageView& m, int ordRejReason, std::string_view text, std::int64_t now);
  // An OrderCancelReject for a cancel / replace the edge refused.
  void rejectCancel(Session& s, const MessageView& m, bool replace, int reason, std::string_view text,
                    std::int64_t now);
  void businessReject(Session& s, const MessageView& m, std::uint64_t seq, int reason, std::string_view text,
                      std::int64_t now);

  const Directory& directory_;
  std::uint32_t source_;
  Submit submit_;
  std::vector<std::pair<std::uint64_t, Session*>> sessionsByAccount_;
  std::vector<Session*> dropCopies_;
  std::function<bool(AccountId)> dropCopyAccounts_;
  std::map<std::string, Instrument, std::less<>> instrumentsBySymbol_;
  std::unordered_map<std::uint64_t, const Instrument*> instrumentsById_;
  ReportTable reports_;
  std::uint64_t retiredSinceCompaction_ = 0;
  std::unordered_map<std::uint64_t, PendingMassCancel> massCancels_;
  std::uint64_t nextRequestId_ = 1;
  std::uint64_t nextMassCancelId_ = 1;
};

}  // namespace alphintra::api::fix
