// output: the small encoders of the load generator: lib0 varuints, encodeURIComponent, and
// JSON written without a DOM (step results are arrays of 100,000s of numbers), including the
// counters object worker.mjs reports.
//
// Thread-safety: plain values and stateless functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace samenplan::bench {

// lib0 writeVarUint
void put_varuint(std::vector<uint8_t>& out, uint64_t n);
// encodeURIComponent (UTF-8 bytes in, %XX for everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ))
std::string uri_component(const std::string& s);
// JSON numbers: an integer; nanoseconds as milliseconds with microsecond precision
void put_u64(std::string& out, uint64_t v);
void put_ms(std::string& out, int64_t ns);

// worker.mjs' counters (same JSON field names), plus epoll statistics.
struct Counters {
  uint64_t msgs_in = 0, bytes_in = 0, updates_in = 0, slow_parses = 0, closes = 0, errors = 0;
  uint64_t wakeups = 0, events = 0;  // epoll_wait returns and the events they brought
  std::map<int, uint64_t> close_codes;
  // Appends {"msgsIn":..,"bytesIn":..,...,"closeCodes":{"1006":n}}
  void write(std::string& out) const;
};

}  // namespace samenplan::bench
