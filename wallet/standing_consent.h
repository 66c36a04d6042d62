// StandingConsent: the holder's standing rules (issue 8) — which verifier may receive which claims of which
// credential without a prompt — and the decision whether a rule answers a request. A request is answered without
// asking only when EVERY claim it asks for (required or optional, in every credential set the holder can answer)
// is released by an active rule for that verifier and credential, none of those claims is marked "always ask",
// and each rule relied on still has uses left in the last 24 hours. Anything beyond that asks the holder.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veil/clock.h"
#include "veil/error.h"
#include "veil/json.h"
#include "wallet/consent_plan.h"
#include "wallet/consent_rule.h"
#include "wallet/wallet_store.h"

namespace veil::wallet {

/// AlwaysAskClaims maps a credential id to the claims the holder wants to be asked about every time.
using AlwaysAskClaims = std::map<std::string, std::vector<ClaimPath>, std::less<>>;

/// AutomaticApproval is how standing rules answer a request: the approval to apply (every optional claim
/// ticked — the rules cover them all) and, per credential, the rule that releases it.
struct AutomaticApproval {
  Approval approval;
  std::map<std::string, std::string, std::less<>> rule_by_credential;
};

/// find_automatic_approval decides, without side effects, whether |rules| answer |plan| from verifier
/// |client_id|. |rules| are the usable ones (active, uses left); a rule for another client_id is ignored. Returns
/// nullopt when the holder must be asked: some credential set the holder can answer has no option whose every
/// query has a candidate fully covered by one rule, a candidate asks for no claim at all (the holder should see
/// such a request), or a claim is blocked by |always_ask|.
std::optional<AutomaticApproval> find_automatic_approval(const ConsentPlan& plan, std::string_view client_id,
                                                         const std::vector<ConsentRule>& rules,
                                                         const AlwaysAskClaims& always_ask);

/// StandingConsent keeps the rules and "always ask" marks in the wallet's store and answers requests with them.
class StandingConsent {
 public:
  StandingConsent(WalletStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  /// list_rules returns {"rules": [rule json + "active", "uses_last_24h"]}, newest first. Fails with the store's
  /// errors (wallet_locked, sealed_data_corrupt, storage_error).
  Result<Json> list_rules();
  /// add_rule reads a rule (parse_consent_rule) and stores it. Returns the stored rule's json. Fails with
  /// invalid_argument (malformed, or a claim the holder marked "always ask" — no rule may release it),
  /// not_found (no such credential), and the store's errors.
  Result<Json> add_rule(const Json& body);
  /// delete_rule revokes a rule at once. Fails with not_found and the store's errors.
  Status delete_rule(std::string_view rule_id);
  /// always_ask returns {"credential_id", "claims": [DCQL path]}. Fails with not_found and the store's errors.
  Result<Json> always_ask(std::string_view credential_id);
  /// set_always_ask replaces the marks from {"claims": [DCQL path]} and returns always_ask(). Fails with
  /// invalid_argument (malformed body), not_found and the store's errors. Rules naming a marked claim stay
  /// listed but no longer answer anything that asks for it.
  Result<Json> set_always_ask(std::string_view credential_id, const Json& body);
  /// claim_automatic_approval answers |plan| from |client_id| with the rules, when they cover it, and records one
  /// use of each rule it relies on (store-side check-and-record: two requests at once cannot both take a last
  /// use; a use lost to such a race makes this request ask the holder). Returns nullopt when the holder must
  /// be asked. Fails with the store's errors.
  Result<std::optional<AutomaticApproval>> claim_automatic_approval(const ConsentPlan& plan,
                                                                    std::string_view client_id);

 private:
  WalletStore& store_;
  const Clock& clock_;
};

}  // namespace veil::wallet
