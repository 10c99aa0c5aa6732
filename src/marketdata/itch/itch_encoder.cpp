#include "marketdata/itch/itch_encoder.hpp"

namespace alphintra::marketdata::itch {

void ItchEncoder::be(std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ItchEncoder::begin(char type, const Header& h) {
  be(messageLength(type), 2);
  u8(type);
  be(h.stockLocate, 2);
  be(h.trackingNumber, 2);
  be(h.timestamp, 6);
}

void ItchEncoder::put(const SystemEvent& m) {
  begin('S', m.header);
  u8(m.eventCode);
}
void ItchEncoder::put(const StockDirectory& m) {
  begin('R', m.header);
  alpha(m.stock);
  u8(m.marketCategory);
  u8(m.financialStatus);
  be(m.roundLotSize, 4);
  u8(m.roundLotsOnly);
  u8(m.issueClassification);
  alpha(m.issueSubType);
  u8(m.authenticity);
  u8(m.shortSaleThreshold);
  u8(m.ipoFlag);
  u8(m.luldReferencePriceTier);
  u8(m.etpFlag);
  be(m.etpLeverageFactor, 4);
  u8(m.inverseIndicator);
}
void ItchEncoder::put(const StockTradingAction& m) {
  begin('H', m.header);
  alpha(m.stock);
  u8(m.tradingState);
  u8(m.reserved);
  alpha(m.reason);
}
void ItchEncoder::put(const RegShoRestriction& m) {
  begin('Y', m.header);
  alpha(m.stock);
  u8(m.regShoAction);
}
void ItchEncoder::put(const MarketParticipantPosition& m) {
  begin('L', m.header);
  alpha(m.mpid);
  alpha(m.stock);
  u8(m.primaryMarketMaker);
  u8(m.marketMakerMode);
  u8(m.participantState);
}
void ItchEncoder::put(const MwcbDeclineLevel& m) {
  begin('V', m.header);
  be(m.level1, 8);
  be(m.level2, 8);
  be(m.level3, 8);
}
void ItchEncoder::put(const MwcbStatus& m) {
  begin('W', m.header);
  u8(m.breachedLevel);
}
void ItchEncoder::put(const IpoQuotingPeriodUpdate& m) {
  begin('K', m.header);
  alpha(m.stock);
  be(m.releaseTime, 4);
  u8(m.releaseQualifier);
  be(m.ipoPrice, 4);
}
void ItchEncoder::put(const LuldAuctionCollar& m) {
  begin('J', m.header);
  alpha(m.stock);
  be(m.referencePrice, 4);
  be(m.upperPrice, 4);
  be(m.lowerPrice, 4);
  be(m.extension, 4);
}
void ItchEncoder::put(const OperationalHalt& m) {
  begin('h', m.header);
  alpha(m.stock);
  u8(m.marketCode);
  u8(m.haltAction);
}
void ItchEncoder::put(const AddOrder& m) {
  const bool attributed = m.header.type == 'F';
  begin(attributed ? 'F' : 'A', m.header);
  be(m.orderRef, 8);
  u8(m.side);
  be(m.shares, 4);
  alpha(m.stock);
  be(m.price, 4);
  if (attributed) alpha(m.attribution);
}
void ItchEncoder::put(const OrderExecuted& m) {
  begin('E', m.header);
  be(m.orderRef, 8);
  be(m.executedShares, 4);
  be(m.matchNumber, 8);
}
void ItchEncoder::put(const OrderExecutedWithPrice& m) {
  begin('C', m.header);
  be(m.orderRef, 8);
  be(m.executedShares, 4);
  be(m.matchNumber, 8);
  u8(m.printable);
  be(m.executionPrice, 4);
}
void ItchEncoder::put(const OrderCancel& m) {
  begin('X', m.header);
  be(m.orderRef, 8);
  be(m.cancelledShares, 4);
}
void ItchEncoder::put(const OrderDelete& m) {
  begin('D', m.header);
  be(m.orderRef, 8);
}
void ItchEncoder::put(const OrderReplace& m) {
  begin('U', m.header);
  be(m.originalOrderRef, 8);
  be(m.newOrderRef, 8);
  be(m.shares, 4);
  be(m.price, 4);
}
void ItchEncoder::put(const Trade& m) {
  begin('P', m.header);
  be(m.orderRef, 8);
  u8(m.side);
  be(m.shares, 4);
  alpha(m.stock);
  be(m.price, 4);
  be(m.matchNumber, 8);
}
void ItchEncoder::put(const CrossTrade& m) {
  begin('Q', m.header);
  be(m.shares, 8);
  alpha(m.stock);
  be(m.crossPrice, 4);
  be(m.matchNumber, 8);
  u8(m.crossType);
}
void ItchEncoder::put(const BrokenTrade& m) {
  begin('B', m.header);
  be(m.matchNumber, 8);
}
void ItchEncoder::put(const Noii& m) {
  begin('I', m.header);
  be(m.pairedShares, 8);
  be(m.imbalanceShares, 8);
  u8(m.imbalanceDirection);
  alpha(m.stock);
  be(m.farPrice, 4);
  be(m.nearPrice, 4);
  be(m.currentReferencePrice, 4);
  u8(m.crossType);
  u8(m.priceVariationIndicator);
}
void ItchEncoder::put(const Rpii& m) {
  begin('N', m.header);
  alpha(m.stock);
  u8(m.interestFlag);
}
void ItchEncoder::put(const DirectListingPriceDiscovery& m) {
  begin('O', m.header);
  alpha(m.stock);
  u8(m.openEligibilityStatus);
  be(m.minimumAllowablePrice, 4);
  be(m.maximumAllowablePrice, 4);
  be(m.nearExecutionPrice, 4);
  be(m.nearExecutionTime, 8);
  be(m.lowerPriceRangeCollar, 4);
  be(m.upperPriceRangeCollar, 4);
}

}  // namespace alphintra::marketdata::itch
