// Directory: instruments and accounts as the edge knows them (see directory.hpp).
#include "api/directory.hpp"

#include <mutex>

namespace alphintra::api {

bool Directory::addInstrument(const Instrument& instrument) {
  std::unique_lock lock(mutex_);
  const std::uint64_t id = instrument.id().value();
  if (id == 0 || instruments_.contains(id) || symbols_.contains(instrument.symbol())) return false;
  instruments_.emplace(id, instrument);
  symbols_.emplace(instrument.symbol(), id);
  return true;
}

void Directory::addInstruments(const std::vector<Instrument>& instruments) {
  for (const Instrument& in : instruments) addInstrument(in);
}

bool Directory::addAccount(AccountId account, Currency baseCurrency) {
  if (account.isNone() || baseCurrency.isNone()) return false;
  std::unique_lock lock(mutex_);
  return accounts_.emplace(account.value(), baseCurrency).second;
}

const Instrument* Directory::instrument(InstrumentId id) const {
  std::shared_lock lock(mutex_);
  auto it = instruments_.find(id.value());
  return it == instruments_.end() ? nullptr : &it->second;
}

const Instrument* Directory::instrumentBySymbol(std::string_view symbol) const {
  std::shared_lock lock(mutex_);
  auto s = symbols_.find(symbol);
  if (s == symbols_.end()) return nullptr;
  auto it = instruments_.find(s->second);
  return it == instruments_.end() ? nullptr : &it->second;
}

std::optional<Currency> Directory::accountCurrency(AccountId account) const {
  std::shared_lock lock(mutex_);
  auto it = accounts_.find(account.value());
  if (it == accounts_.end()) return std::nullopt;
  return it->second;
}

std::size_t Directory::instrumentCount() const {
  std::shared_lock lock(mutex_);
  return instruments_.size();
}

std::size_t Directory::accountCount() const {
  std::shared_lock lock(mutex_);
  return accounts_.size();
}

}  // namespace alphintra::api
