// BlockPool: per-thread free lists of fixed-size blocks, behind the class
// operator new/delete of Item and the common contents. Editing splits and
// merges items all the time; reusing their memory avoids most malloc/free.
//
// Each thread keeps at most kMaxFree blocks of each size; the rest goes back
// to the global heap, and a thread's list is released when it exits. A block
// freed on another thread than it was allocated on simply joins that
// thread's list. Sanitizer builds use plain new/delete, so that ASan still
// sees every use after free.
#pragma once

#include <cstddef>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define SAMENPLAN_CRDT_NO_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAMENPLAN_CRDT_NO_POOL 1
#endif
#endif

namespace samenplan::crdt {

template <size_t Size>
class BlockPool {
 public:
  static constexpr size_t kMaxFree = 4096;

  static void* allocate() {
#ifndef SAMENPLAN_CRDT_NO_POOL
    State& s = state_;
    if (s.head != nullptr) {
      Node* n = s.head;
      s.head = n->next;
      --s.count;
      return n;
    }
#endif
    return ::operator new(Size);
  }

  static void release(void* p) noexcept {
#ifndef SAMENPLAN_CRDT_NO_POOL
    State& s = state_;
    if (!s.dead && s.count < kMaxFree) {
      if (!s.registered) {
        s.registered = true;
        reaper_.touch();
      }
      auto* n = static_cast<Node*>(p);
      n->next = s.head;
      s.head = n;
      ++s.count;
      return;
    }
#endif
    ::operator delete(p);
  }

 private:
  struct Node {
    Node* next;
  };
  static_assert(Size >= sizeof(Node));
  // Trivially destructible: valid for the whole life of the thread.
  struct State {
    Node* head;
    size_t count;
    bool registered;
    bool dead;
  };
  // Frees the thread's list when the thread exits.
  struct Reaper {
    void touch() {}
    ~Reaper() {
      State& s = state_;
      while (s.head != nullptr) {
        Node* n = s.head;
        s.head = n->next;
        ::operator delete(n);
      }
      s.count = 0;
      s.dead = true;
    }
  };
  static inline thread_local State state_{};
  static inline thread_local Reaper reaper_;
};

// Class operator new/delete for `T` through BlockPool<sizeof(T)>.
#define SAMENPLAN_CRDT_POOLED(T)                                                  \
  static void* operator new(size_t n) {                                           \
    return n == sizeof(T) ? BlockPool<sizeof(T)>::allocate() : ::operator new(n); \
  }                                                                               \
  static void operator delete(void* p, size_t n) noexcept {                       \
    if (n == sizeof(T)) {                                                         \
      BlockPool<sizeof(T)>::release(p);                                           \
    } else {                                                                      \
      ::operator delete(p);                                                       \
    }                                                                             \
  }

}  // namespace samenplan::crdt
