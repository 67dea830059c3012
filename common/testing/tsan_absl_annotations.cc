// ThreadSanitizer build only (GOVINSPECT_TSAN, preset tsan): happens-before annotations for
// Abseil's synchronization primitives.
//
// Debian's libabsl_synchronization.so is not compiled with -fsanitize=thread: absl::Mutex locks
// with atomics and futex calls that TSan never sees, so every access guarded by an absl::Mutex
// would be reported as a race (false positives), and absl::Notification would order nothing.
// This file defines the public lock, wait and notify functions of absl::Mutex, absl::CondVar and
// absl::Notification in the executable, so that the calls bind to them (the executable's
// definition interposes the shared library's); each calls the library's function
// (dlsym(RTLD_NEXT)) and tells TSan what it did: a release before the mutex is given up
// (Unlock, Await, CondVar::Wait, Notify), an acquire after it is held again (Lock, TryLock,
// LockWhen, Await, WaitForNotification), and acquire/release around every evaluation of an
// Await/LockWhen condition. Only happens-before edges are annotated (no lock state), so a call
// that bypasses this file (one inside the library) cannot put TSan's view out of step; races on
// data that the mutex does not guard are still reported (checked: an unguarded counter next to
// a guarded one is reported, the guarded one is not).

#if !defined(__SANITIZE_THREAD__)
#error "tsan_absl_annotations.cc belongs to the ThreadSanitizer build only"
#endif

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdio>
#include <cstddef>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

// The library's definition of `mangled` (the next one after this executable's).
template <typename Fn>
Fn Real(const char* mangled) {
  void* p = dlsym(RTLD_NEXT, mangled);
  if (p == nullptr) {
    std::fprintf(stderr, "tsan_absl_annotations: %s not found: %s\n", mangled, dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(p);
}

void Release(const void* addr) { __tsan_release(const_cast<void*>(addr)); }
void Acquire(const void* addr) { __tsan_acquire(const_cast<void*>(addr)); }

// absl::Notification is { Mutex mutex_; std::atomic<bool> notified_yet_; }: HasBeenNotified()
// is inline (instrumented) and reads notified_yet_ with an acquire load, so Notify releases on
// that address too.
struct NotificationLayout {
  absl::Mutex mutex;
  std::atomic<bool> notified_yet;
};
static_assert(sizeof(NotificationLayout) == sizeof(absl::Notification));
const void* NotifiedFlag(const absl::Notification* n) {
  return reinterpret_cast<const char*>(n) + offsetof(NotificationLayout, notified_yet);
}

// A condition is evaluated with the mutex held, but inside the library: by the waiter in Await
// or LockWhen, or by another thread as it unlocks. Each evaluation is bracketed as a critical
// section of its own (acquire, evaluate, release), so that what it reads is ordered after the
// last holder's writes and before the next holder's.
struct AnnotatedCondition {
  const absl::Condition* cond;
  const absl::Mutex* mu;
  static bool Eval(AnnotatedCondition* c) {
    Acquire(c->mu);
    bool r = c->cond->Eval();
    Release(c->mu);
    return r;
  }
};

// `cond` as an AnnotatedCondition (used as a temporary: it lives to the end of the call).
class Annotated {
 public:
  Annotated(const absl::Condition& cond, const absl::Mutex* mu)
      : ac_{&cond, mu}, cond_(&AnnotatedCondition::Eval, &ac_) {}
  Annotated(const Annotated&) = delete;
  Annotated& operator=(const Annotated&) = delete;
  const absl::Condition& get() const { return cond_; }

 private:
  AnnotatedCondition ac_;
  absl::Condition cond_;
};

}  // namespace

// Mangled names in Abseil's inline namespace (ABSL_OPTION_INLINE_NAMESPACE_NAME, "debian3" in
// Debian 12); the length in the mangling is written out, hence the static_assert.
#define GI_STR2(x) #x
#define GI_STR(x) GI_STR2(x)
#define GI_ABSL_NS GI_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME)
static_assert(sizeof(GI_ABSL_NS) == 8, "update the length 7 in GI_MANGLE");
#define GI_MANGLE(len_name) "_ZN4absl7" GI_ABSL_NS len_name
#define GI_MANGLE_CONST(len_name) "_ZNK4absl7" GI_ABSL_NS len_name

namespace absl {
ABSL_NAMESPACE_BEGIN

// ---- Mutex -------------------------------------------------------------------------------------

void Mutex::Lock() {
  static auto real = Real<void (*)(Mutex*)>(GI_MANGLE("5Mutex4LockEv"));
  real(this);
  Acquire(this);
}

void Mutex::ReaderLock() {
  static auto real = Real<void (*)(Mutex*)>(GI_MANGLE("5Mutex10ReaderLockEv"));
  real(this);
  Acquire(this);
}

bool Mutex::TryLock() {
  static auto real = Real<bool (*)(Mutex*)>(GI_MANGLE("5Mutex7TryLockEv"));
  bool held = real(this);
  if (held) Acquire(this);
  return held;
}

bool Mutex::ReaderTryLock() {
  static auto real = Real<bool (*)(Mutex*)>(GI_MANGLE("5Mutex13ReaderTryLockEv"));
  bool held = real(this);
  if (held) Acquire(this);
  return held;
}

void Mutex::Unlock() {
  static auto real = Real<void (*)(Mutex*)>(GI_MANGLE("5Mutex6UnlockEv"));
  Release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  static auto real = Real<void (*)(Mutex*)>(GI_MANGLE("5Mutex12ReaderUnlockEv"));
  Release(this);
  real(this);
}

void Mutex::LockWhen(const Condition& cond) {
  static auto real =
      Real<void (*)(Mutex*, const Condition&)>(GI_MANGLE("5Mutex8LockWhenERKNS0_9ConditionE"));
  real(this, Annotated(cond, this).get());
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  static auto real = Real<void (*)(Mutex*, const Condition&)>(
      GI_MANGLE("5Mutex14ReaderLockWhenERKNS0_9ConditionE"));
  real(this, Annotated(cond, this).get());
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, absl::Duration)>(
      GI_MANGLE("5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE"));
  bool r = real(this, Annotated(cond, this).get(), timeout);
  Acquire(this);  // held whatever the result
  return r;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, absl::Duration)>(
      GI_MANGLE("5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE"));
  bool r = real(this, Annotated(cond, this).get(), timeout);
  Acquire(this);
  return r;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, absl::Time)>(
      GI_MANGLE("5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE"));
  bool r = real(this, Annotated(cond, this).get(), deadline);
  Acquire(this);
  return r;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, absl::Time)>(
      GI_MANGLE("5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE"));
  bool r = real(this, Annotated(cond, this).get(), deadline);
  Acquire(this);
  return r;
}

// Await gives the mutex up while it waits and holds it again when it returns.
void Mutex::Await(const Condition& cond) {
  static auto real =
      Real<void (*)(Mutex*, const Condition&)>(GI_MANGLE("5Mutex5AwaitERKNS0_9ConditionE"));
  Release(this);
  real(this, Annotated(cond, this).get());
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, absl::Duration)>(
      GI_MANGLE("5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE"));
  Release(this);
  bool r = real(this, Annotated(cond, this).get(), timeout);
  Acquire(this);
  return r;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, absl::Time)>(
      GI_MANGLE("5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE"));
  Release(this);
  bool r = real(this, Annotated(cond, this).get(), deadline);
  Acquire(this);
  return r;
}

// ---- CondVar -----------------------------------------------------------------------------------

void CondVar::Wait(Mutex* mu) {
  static auto real =
      Real<void (*)(CondVar*, Mutex*)>(GI_MANGLE("7CondVar4WaitEPNS0_5MutexE"));
  Release(mu);
  real(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  static auto real = Real<bool (*)(CondVar*, Mutex*, absl::Duration)>(
      GI_MANGLE("7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE"));
  Release(mu);
  bool r = real(this, mu, timeout);
  Acquire(mu);
  return r;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  static auto real = Real<bool (*)(CondVar*, Mutex*, absl::Time)>(
      GI_MANGLE("7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE"));
  Release(mu);
  bool r = real(this, mu, deadline);
  Acquire(mu);
  return r;
}

// ---- Notification ------------------------------------------------------------------------------

void Notification::Notify() {
  static auto real = Real<void (*)(Notification*)>(GI_MANGLE("12Notification6NotifyEv"));
  Release(this);
  Release(NotifiedFlag(this));
  real(this);
}

void Notification::WaitForNotification() const {
  static auto real =
      Real<void (*)(const Notification*)>(GI_MANGLE_CONST("12Notification19WaitForNotificationEv"));
  real(this);
  Acquire(this);
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  static auto real = Real<bool (*)(const Notification*, absl::Duration)>(
      GI_MANGLE_CONST("12Notification30WaitForNotificationWithTimeoutENS0_8DurationE"));
  bool r = real(this, timeout);
  if (r) Acquire(this);
  return r;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  static auto real = Real<bool (*)(const Notification*, absl::Time)>(
      GI_MANGLE_CONST("12Notification31WaitForNotificationWithDeadlineENS0_4TimeE"));
  bool r = real(this, deadline);
  if (r) Acquire(this);
  return r;
}

ABSL_NAMESPACE_END
}  // namespace absl
