// Principal: who a request acts as, once its token, API key or session is verified — the user
// name, the roles and the accounts granted. Every route and channel asks it before acting.
//
// Roles (docs/api.md, "Authentication"):
//   admin         everything, every account;
//   trader        trade and read the accounts granted;
//   risk_officer  read the accounts granted, kill switch, risk limits;
//   viewer        read the accounts granted.
// Values are fixed: they are stored in the user database.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"

namespace alphintra::auth {

enum class Role : std::uint8_t { Admin = 1, Trader = 2, RiskOfficer = 3, Viewer = 4 };

constexpr std::string_view toString(Role role) noexcept {
  switch (role) {
    case Role::Admin: return "admin";
    case Role::Trader: return "trader";
    case Role::RiskOfficer: return "risk_officer";
    case Role::Viewer: return "viewer";
  }
  return "unknown";
}

inline std::optional<Role> parseRole(std::string_view text) noexcept {
  for (Role r : {Role::Admin, Role::Trader, Role::RiskOfficer, Role::Viewer}) {
    if (toString(r) == text) return r;
  }
  return std::nullopt;
}

struct Principal {
  std::string username;
  std::vector<Role> roles;
  std::vector<AccountId> accounts;  // granted (an admin may act on every account regardless)

  bool has(Role role) const noexcept { return std::find(roles.begin(), roles.end(), role) != roles.end(); }
  bool isAdmin() const noexcept { return has(Role::Admin); }
  bool granted(AccountId account) const noexcept {
    return isAdmin() || std::find(accounts.begin(), accounts.end(), account) != accounts.end();
  }
  // Read an account's orders, fills, positions and risk.
  bool canRead(AccountId account) const noexcept { return granted(account); }
  // Place, replace and cancel orders on the account.
  bool canTrade(AccountId account) const noexcept { return granted(account) && (isAdmin() || has(Role::Trader)); }
  // Kill switch and risk limits.
  bool canControlRisk() const noexcept { return isAdmin() || has(Role::RiskOfficer); }
};

}  // namespace alphintra::auth
