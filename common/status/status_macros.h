#ifndef GOVINSPECT_COMMON_STATUS_STATUS_MACROS_H_
#define GOVINSPECT_COMMON_STATUS_STATUS_MACROS_H_

// Same semantics as upstream ABSL_RETURN_IF_ERROR / ABSL_ASSIGN_OR_RETURN (absent from the
// Abseil Debian 12 ships), so that a later move is a rename.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GOVINSPECT_STATUS_CONCAT_INNER_(a, b) a##b
#define GOVINSPECT_STATUS_CONCAT_(a, b) GOVINSPECT_STATUS_CONCAT_INNER_(a, b)

#define GOVINSPECT_RETURN_IF_ERROR(expr)                 \
  do {                                                   \
    ::absl::Status govinspect_status_ = (expr);          \
    if (!govinspect_status_.ok()) return govinspect_status_; \
  } while (0)

#define GOVINSPECT_ASSIGN_OR_RETURN(lhs, expr) \
  GOVINSPECT_ASSIGN_OR_RETURN_IMPL_(           \
      GOVINSPECT_STATUS_CONCAT_(govinspect_statusor_, __LINE__), lhs, expr)

#define GOVINSPECT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                      \
  if (!statusor.ok()) return std::move(statusor).status();     \
  lhs = *std::move(statusor)

#endif  // GOVINSPECT_COMMON_STATUS_STATUS_MACROS_H_
