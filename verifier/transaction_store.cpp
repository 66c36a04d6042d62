#include "verifier/transaction_store.h"

namespace veil::verifier {

std::string_view transaction_status_name(TransactionStatus status) {
  switch (status) {
    case TransactionStatus::pending:
      return "pending";
    case TransactionStatus::verified:
      return "verified";
    case TransactionStatus::failed:
      return "failed";
  }
  return "failed";
}

}  // namespace veil::verifier
