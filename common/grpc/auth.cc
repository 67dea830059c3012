#include "common/grpc/auth.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace govinspect::common {

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

absl::Status RpcAuthorizer::Check(const grpc::ServerContextBase& context) const {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) return absl::OkStatus();
  if (token_.empty()) return absl::OkStatus();
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError(
        "this call changes state and needs the API token (authorization: Bearer …)");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(value, kBearer) ||
      !ConstantTimeEquals(value.substr(kBearer.size()), token_)) {
    return absl::UnauthenticatedError("the API token is not valid");
  }
  return absl::OkStatus();
}

bool IsVisibleAsciiToken(absl::string_view token) {
  for (char c : token) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

absl::StatusOr<std::string> NormalizeApiToken(absl::string_view token, absl::string_view source) {
  if (absl::EndsWith(token, "\r\n")) {
    token.remove_suffix(2);
  } else if (absl::EndsWith(token, "\n")) {
    token.remove_suffix(1);
  }
  for (size_t i = 0; i < token.size(); ++i) {
    const char c = token[i];
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": the token has a character that is not visible ASCII (",
          c == ' ' ? "a space" : (c == '\n' || c == '\r') ? "a line break"
                             : static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? "a control character"
                                                                               : "a non-ASCII byte",
          ") at byte ", i + 1, " of ", token.size(), "; the token is not printed"));
    }
  }
  return std::string(token);
}

void AddBearerToken(grpc::ClientContext* context, const std::string& token) {
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

}  // namespace govinspect::common
