// SecretBytes: key material that is wiped when it goes away and never printed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace veil {

/// SecretBytes owns secret bytes (private keys, data keys). The memory is zeroed with sodium_memzero on
/// destruction and on move-from; comparison is constant-time; there is no stream operator and no conversion to
/// std::string, so a secret cannot end up in a log by accident.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const std::uint8_t> bytes);
  /// random returns |size| bytes from libsodium's CSPRNG.
  static SecretBytes random(std::size_t size);

  SecretBytes(const SecretBytes& other);
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  /// reveal gives read access to the secret for a crypto call. Keep what it returns short-lived.
  std::span<const std::uint8_t> reveal() const { return bytes_; }
  std::span<std::uint8_t> reveal_mutable() { return bytes_; }

  /// equals compares in constant time (sodium_memcmp); sizes are not secret.
  bool equals(const SecretBytes& other) const;

 private:
  void wipe();
  std::vector<std::uint8_t> bytes_;
};

/// constant_time_equals compares two byte strings without a data-dependent early exit (bearer tokens, MACs).
bool constant_time_equals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace veil
