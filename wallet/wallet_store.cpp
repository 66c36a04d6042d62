#include "wallet/wallet_store.h"

namespace veil::wallet {

std::string_view disclosure_outcome_name(DisclosureOutcome outcome) {
  switch (outcome) {
    case DisclosureOutcome::accepted: return "accepted";
    case DisclosureOutcome::rejected: return "rejected";
    case DisclosureOutcome::failed: return "failed";
    case DisclosureOutcome::declined: return "declined";
    case DisclosureOutcome::unconfirmed: return "unconfirmed";
  }
  return "failed";
}

Result<DisclosureOutcome> parse_disclosure_outcome(std::string_view name) {
  for (const auto outcome : {DisclosureOutcome::accepted, DisclosureOutcome::rejected, DisclosureOutcome::failed,
                             DisclosureOutcome::declined, DisclosureOutcome::unconfirmed}) {
    if (disclosure_outcome_name(outcome) == name) return outcome;
  }
  return fail(ErrorCode::invalid_argument, "unknown disclosure outcome");
}

}  // namespace veil::wallet
