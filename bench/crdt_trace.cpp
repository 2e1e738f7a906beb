// crdt_trace: replay a real editing trace with samenplan::crdt (the C++ side of
// bench/compare_traces.mjs; bench/yjs_trace.mjs is the yjs reference).
//
//   crdt_trace TRACE.json.gz [--client ID] [--json] [--dump-state FILE] [--first-last] [--check]
//              [--load-runs N]
//
// Sequential traces ({startContent, endContent, txns: [{patches: [[pos, del, ins]...]}]}): one
// crdt::Transaction per trace txn on doc.get_text("text") (client --client, default 1, gc on);
// patches in order: delete `del` at `pos`, then insert `ins` at `pos`; commit(Commit&) yields the
// v1 update a live editor would send (its bytes are counted), in one reused Commit. Positions count
// code points; they are converted to UTF-16 offsets before the timed replay (identity for BMP-only
// text).
//
// Concurrent traces ({kind: "concurrent", numAgents, txns: [{parents, agent, patches}]}): one Doc
// per agent (client id agent + 1); the algorithm of tests/e2e/crdt/clownschool.mjs: before each
// txn the agent's replica receives the recorded updates of the txns of the parents' ancestry it
// lacks (in index order), then the txn's patches run in one transaction whose update is recorded.
// At the end all updates are merged into a fresh Doc and every replica is synced with it.
//
// Reports replay ms, patches/s, peak RSS (getrusage ru_maxrss, includes the parsed trace), final
// state (v1) bytes, encode ms, load ms (Doc + apply_update_v1 of the final state), ok (text ==
// endContent, also after loading), doc_heap_kb (malloc heap growth over the replay: the
// document's own footprint, updates excluded as they are dropped), and floor_ms: the same patches
// on a plain std::u16string.
// --json: the last stdout line is one JSON object with the field names of yjs_trace.mjs.
// --first-last: ms of the first / last 10% of the patches (at transaction granularity).
// --check: the same replay, no floor; exit 3 when not ok (as always).
// --slowest N: time every transaction (sequential traces) and list the N slowest.
// --load-runs N: after the peak RSS is taken, N - 1 more loads of the final state, each into a
// fresh Doc; load_warm_ms = their median. load_ms stays the first load (the process has never
// decoded an update before: for yjs that is code the JIT has not compiled yet).
// On a wrong text the first transaction whose result differs from the std::u16string replay is
// reported (sequential traces).
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "samenplan/crdt/doc.h"

namespace crdt = samenplan::crdt;
namespace json = boost::json;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

long peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // kilobytes on Linux
}

// Bytes in use on the malloc heap (glibc mallinfo2), for the document's own footprint.
long heap_in_use_kb() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<long>((mi.uordblks + mi.hblkhd) / 1024);
}

long current_rss_kb() {
  std::ifstream f("/proc/self/statm");
  long pages = 0, resident = 0;
  if (!(f >> pages >> resident)) return 0;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw std::runtime_error("gzip: corrupt input");
    }
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return out;
}

// UTF-8 -> code points (input from Boost.JSON is valid UTF-8, lone surrogates excepted: those
// come through as 3-byte WTF-8 sequences and are kept as one unit).
std::u32string utf8_to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c < 0xE0) {
      cp = c & 0x1F;
      n = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0F;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (size_t k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::u16string u32_to_u16(std::u32string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (char32_t cp : s) {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

bool has_astral(std::string_view utf8) {
  for (char c : utf8)
    if (static_cast<unsigned char>(c) >= 0xF0) return true;
  return false;
}

// One patch with positions already in UTF-16 units.
struct Patch {
  uint32_t pos;
  uint32_t del;
  std::string ins;       // UTF-8, for the CRDT
  std::u16string ins16;  // for the floor
};

struct Txn {
  std::vector<Patch> patches;
  std::vector<uint32_t> parents;  // concurrent only
  uint32_t agent = 0;
};

struct Trace {
  std::string name;
  bool concurrent = false;
  std::string start_content;
  std::string end_content;
  uint32_t num_agents = 0;
  std::vector<Txn> txns;
  size_t patches = 0;
  bool astral = false;
};

uint32_t to_u32(const json::value& v) {
  if (v.is_int64()) return static_cast<uint32_t>(v.get_int64());
  if (v.is_uint64()) return static_cast<uint32_t>(v.get_uint64());
  if (v.is_double()) return static_cast<uint32_t>(v.get_double());
  throw std::runtime_error("trace: expected a number");
}

Trace load_trace(const std::string& path) {
  std::string raw = read_file(path);
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) raw = gunzip(raw);
  Trace t;
  {
    std::string base =
        path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    for (const char* ext : {".json.gz", ".json"}) {
      size_t n = std::strlen(ext);
      if (base.size() > n && base.compare(base.size() - n, n, ext) == 0) {
        base.resize(base.size() - n);
        break;
      }
    }
    t.name = base;
  }
  json::monotonic_resource mr;
  json::value root = json::parse(raw, &mr);
  raw.clear();
  raw.shrink_to_fit();
  const json::object& o = root.as_object();
  if (auto* k = o.if_contains("kind"); k && k->is_string() && k->as_string() == "concurrent")
    t.concurrent = true;
  if (auto* s = o.if_contains("startContent"); s && s->is_string())
    t.start_content = std::string(s->as_string());
  t.end_content = std::string(o.at("endContent").as_string());
  if (auto* n = o.if_contains("numAgents"); n) t.num_agents = to_u32(*n);
  t.astral = has_astral(t.end_content) || has_astral(t.start_content);
  const json::array& txns = o.at("txns").as_array();
  t.txns.reserve(txns.size());
  for (const json::value& tv : txns) {
    const json::object& to = tv.as_object();
    Txn txn;
    const json::array& ps = to.at("patches").as_array();
    txn.patches.reserve(ps.size());
    for (const json::value& pv : ps) {
      const json::array& p = pv.as_array();
      Patch patch;
      patch.pos = to_u32(p.at(0));
      patch.del = to_u32(p.at(1));
      if (p.size() > 2 && p.at(2).is_string()) patch.ins = std::string(p.at(2).as_string());
      if (has_astral(patch.ins)) t.astral = true;
      patch.ins16 = u32_to_u16(utf8_to_u32(patch.ins));
      txn.patches.push_back(std::move(patch));
    }
    t.patches += txn.patches.size();
    if (t.concurrent) {
      for (const json::value& pv : to.at("parents").as_array()) txn.parents.push_back(to_u32(pv));
      txn.agent = to_u32(to.at("agent"));
      t.num_agents = std::max(t.num_agents, txn.agent + 1);
    }
    t.txns.push_back(std::move(txn));
  }
  return t;
}

// Sequential traces with text outside the BMP: code point positions -> UTF-16 offsets, by
// replaying the trace once on a std::u32string (outside the timed part).
void convert_positions(Trace& t) {
  std::u32string doc = utf8_to_u32(t.start_content);
  for (Txn& txn : t.txns) {
    for (Patch& p : txn.patches) {
      uint32_t cp_pos = p.pos, cp_del = p.del;
      auto units = [&](size_t from, size_t to) {
        uint32_t n = 0;
        for (size_t i = from; i < to; ++i) n += doc[i] >= 0x10000 ? 2 : 1;
        return n;
      };
      if (cp_pos > doc.size() || cp_pos + cp_del > doc.size())
        throw std::runtime_error("trace: patch out of range");
      p.pos = units(0, cp_pos);
      p.del = units(cp_pos, cp_pos + cp_del);
      doc.erase(cp_pos, cp_del);
      doc.insert(cp_pos, utf8_to_u32(p.ins));
    }
  }
}

struct Options {
  std::string trace;
  uint64_t client = 1;
  bool json = false;
  bool first_last = false;
  bool check = false;
  size_t slowest = 0;
  size_t load_runs = 1;
  std::string dump;
};

struct Result {
  double replay_ms = 0;
  double first10_ms = 0;
  double last10_ms = 0;
  double encode_ms = 0;
  double load_ms = 0;        // the first load: the process has never decoded an update before
  double load_warm_ms = -1;  // --load-runs N > 1: median of loads 2..N of the same state
  double floor_ms = -1;
  long rss_before_kb = 0;
  long rss_after_kb = 0;  // current RSS right after the replay (the doc(s) + the parsed trace)
  long heap_before_kb = 0, heap_after_kb = 0;  // malloc heap in use before / after the replay
  size_t updates = 0;
  size_t update_bytes = 0;
  size_t merged = 0;  // concurrent: remote txns applied to replicas
  std::vector<uint8_t> state;
  bool text_ok = false;
  bool load_ok = false;
  bool replicas_ok = true;
  std::string final_text;
  std::vector<std::pair<double, size_t>> txn_ms;  // --slowest: (ms, txn index)
};

[[noreturn]] void die(const std::string& msg, int code = 1) {
  std::cerr << "crdt_trace: " << msg << "\n";
  std::exit(code);
}

void check_status(const crdt::Status& s, const std::string& what) {
  if (!s.ok()) die(what + ": " + s.to_string(), 3);
}

void apply_patches(crdt::TextRef& text, crdt::Transaction& txn, const std::vector<Patch>& patches,
                   size_t txn_index) {
  // The error text is built only on failure, not for every patch.
  for (const Patch& p : patches) {
    if (p.del > 0) {
      crdt::Status s = text.remove(txn, p.pos, p.del);
      if (!s.ok()) check_status(s, "txn " + std::to_string(txn_index) + ": remove");
    }
    if (!p.ins.empty()) {
      crdt::Status s = text.insert(txn, p.pos, p.ins);
      if (!s.ok()) check_status(s, "txn " + std::to_string(txn_index) + ": insert");
    }
  }
}

// Progress marks for --first-last (transaction granularity, as yjs_trace.mjs does).
struct Marks {
  size_t first_cut, last_cut, done = 0;
  bool have_first = false, have_last = false;
  Clock::time_point t0, last_start;
  double first_ms = 0;
  explicit Marks(size_t total) : first_cut((total + 9) / 10), last_cut(total - (total + 9) / 10) {}
  void before() {
    if (!have_last && done >= last_cut) {
      have_last = true;
      last_start = Clock::now();
    }
  }
  void after(size_t n) {
    done += n;
    if (!have_first && done >= first_cut) {
      have_first = true;
      first_ms = ms_since(t0);
    }
  }
};

void finish_marks(Marks& m, Result& r, Clock::time_point t1) {
  if (!m.have_last) m.last_start = t1;
  r.first10_ms = m.first_ms;
  r.last10_ms = std::chrono::duration<double, std::milli>(t1 - m.last_start).count();
}

// ms of a fresh Doc + apply_update_v1(state); the Doc is left in `out` (destroyed by the
// caller, outside the timing).
double timed_load(const std::vector<uint8_t>& state, std::unique_ptr<crdt::Doc>& out) {
  auto t0 = Clock::now();
  out = std::make_unique<crdt::Doc>(crdt::DocOptions{.client_id = 999999, .gc = true});
  crdt::Status s = out->apply_update_v1(state);
  const double ms = ms_since(t0);
  if (!s.ok()) die("loading the final state: " + s.to_string(), 3);
  return ms;
}

void encode_and_load(const crdt::Doc& doc, const std::string& end_content, Result& r) {
  auto te = Clock::now();
  auto st = doc.encode_state_as_update_v1();
  r.encode_ms = ms_since(te);
  if (!st.ok()) die("encode_state_as_update_v1: " + st.status().to_string(), 3);
  r.state = std::move(st.value());
  std::unique_ptr<crdt::Doc> doc2;
  r.load_ms = timed_load(r.state, doc2);
  r.load_ok = doc2->get_text("text").to_string() == end_content && !doc2->has_pending();
}

// Median ms of `runs` loads of `state`, each into a fresh Doc (destroyed outside the timing).
double warm_load_ms(const std::vector<uint8_t>& state, size_t runs) {
  std::vector<double> ms;
  for (size_t k = 0; k < runs; ++k) {
    std::unique_ptr<crdt::Doc> d;
    ms.push_back(timed_load(state, d));
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

double floor_replay(const Trace& t) {
  std::u16string s = u32_to_u16(utf8_to_u32(t.start_content));
  auto t0 = Clock::now();
  for (const Txn& txn : t.txns)
    for (const Patch& p : txn.patches) {
      if (p.del > 0) s.erase(p.pos, p.del);
      if (!p.ins16.empty()) s.insert(p.pos, p.ins16);
    }
  double ms = ms_since(t0);
  if (s != u32_to_u16(utf8_to_u32(t.end_content)))
    std::cerr << "crdt_trace: warning: the std::u16string floor does not reach endContent\n";
  return ms;
}

std::string u16_to_utf8(std::u16string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    uint32_t cp = s[i];
    if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < s.size() && s[i + 1] >= 0xDC00 &&
        s[i + 1] < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    }
    if (cp < 0x80)
      out.push_back(static_cast<char>(cp));
    else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

// After a wrong result: replay again, comparing with the std::u16string replay, and report the
// first transaction after which the two differ (checkpoints every ~1000 patches, then per txn).
void diagnose_sequential(const Trace& t, const Options& o) {
  auto run = [&](size_t upto_txn, size_t check_from, size_t every) -> long {
    crdt::Doc doc(crdt::DocOptions{.client_id = o.client, .gc = true});
    crdt::TextRef text = doc.get_text("text");
    std::u16string s = u32_to_u16(utf8_to_u32(t.start_content));
    if (!t.start_content.empty()) {
      crdt::Transaction tx(doc);
      check_status(text.insert(tx, 0, t.start_content), "startContent");
      tx.commit();
    }
    size_t since = 0;
    for (size_t i = 0; i < upto_txn; ++i) {
      {
        crdt::Transaction tx(doc);
        apply_patches(text, tx, t.txns[i].patches, i);
        tx.commit();
      }
      for (const Patch& p : t.txns[i].patches) {
        if (p.del > 0) s.erase(p.pos, p.del);
        if (!p.ins16.empty()) s.insert(p.pos, p.ins16);
      }
      since += t.txns[i].patches.size();
      if (i >= check_from && (since >= every || i + 1 == upto_txn)) {
        since = 0;
        if (text.to_string() != u16_to_utf8(s)) return static_cast<long>(i);
      }
    }
    return -1;
  };
  long coarse = run(t.txns.size(), 0, 1000);
  if (coarse < 0) {
    std::cerr << "crdt_trace: diagnosis: every checkpoint matched the std::u16string replay\n";
    return;
  }
  // Narrow down: per txn from the start, up to the failing checkpoint (checks only the tail).
  size_t from = coarse >= 2000 ? static_cast<size_t>(coarse) - 2000 : 0;
  long fine = run(static_cast<size_t>(coarse) + 1, from, 0);
  long txn = fine >= 0 ? fine : coarse;
  size_t patch_index = 0;
  for (long i = 0; i < txn; ++i) patch_index += t.txns[i].patches.size();
  std::cerr << "crdt_trace: diagnosis: first wrong text after txn " << txn << " (patches "
            << patch_index << ".." << patch_index + t.txns[txn].patches.size() - 1 << "):";
  for (const Patch& p : t.txns[txn].patches)
    std::cerr << " [" << p.pos << "," << p.del << "," << json::serialize(json::value(p.ins)) << "]";
  std::cerr << "\n";
}

Result replay_sequential(const Trace& t, const Options& o) {
  Result r;
  r.rss_before_kb = current_rss_kb();
  r.heap_before_kb = heap_in_use_kb();
  crdt::Doc doc(crdt::DocOptions{.client_id = o.client, .gc = true});
  crdt::TextRef text = doc.get_text("text");
  if (!t.start_content.empty()) {
    crdt::Transaction tx(doc);
    check_status(text.insert(tx, 0, t.start_content), "startContent");
    crdt::Commit c = tx.commit();
    ++r.updates;
    r.update_bytes += c.update.size();
  }
  Marks m(t.patches);
  // One Commit for all transactions: commit(c) reuses its buffers, as a
  // server that sends each update on before the next transaction can.
  crdt::Commit c;
  auto t0 = Clock::now();
  m.t0 = t0;
  for (size_t i = 0; i < t.txns.size(); ++i) {
    const Txn& txn = t.txns[i];
    m.before();
    const auto ts = o.slowest ? Clock::now() : Clock::time_point{};
    crdt::Transaction tx(doc);
    apply_patches(text, tx, txn.patches, i);
    tx.commit(c);
    if (!c.update.empty()) {
      ++r.updates;
      r.update_bytes += c.update.size();
    }
    if (o.slowest) r.txn_ms.emplace_back(ms_since(ts), i);
    m.after(txn.patches.size());
  }
  auto t1 = Clock::now();
  r.replay_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  r.rss_after_kb = current_rss_kb();
  r.heap_after_kb = heap_in_use_kb();
  finish_marks(m, r, t1);
  r.final_text = text.to_string();
  r.text_ok = r.final_text == t.end_content;
  encode_and_load(doc, t.end_content, r);
  return r;
}

bool is_ancestor_or_self(const Trace& t, uint32_t h, const std::vector<uint32_t>& parents) {
  std::vector<uint32_t> stack(parents.begin(), parents.end());
  std::set<uint32_t> seen;
  while (!stack.empty()) {
    uint32_t p = stack.back();
    stack.pop_back();
    if (p == h) return true;
    if (p < h || !seen.insert(p).second) continue;
    for (uint32_t q : t.txns[p].parents) stack.push_back(q);
  }
  return false;
}

Result replay_concurrent(const Trace& t, const Options&) {
  Result r;
  r.rss_before_kb = current_rss_kb();
  r.heap_before_kb = heap_in_use_kb();
  const size_t n = t.txns.size();
  struct Replica {
    std::unique_ptr<crdt::Doc> doc;
    crdt::TextRef text;
    std::vector<uint8_t> applied;
    std::set<uint32_t> heads;
  };
  std::vector<std::vector<uint8_t>> upd(n);
  Marks m(t.patches);
  auto t0 = Clock::now();
  m.t0 = t0;
  std::vector<Replica> replicas(t.num_agents);
  for (uint32_t a = 0; a < t.num_agents; ++a) {
    replicas[a].doc =
        std::make_unique<crdt::Doc>(crdt::DocOptions{.client_id = a + 1u, .gc = true});
    replicas[a].text = replicas[a].doc->get_text("text");
    replicas[a].applied.assign(n, 0);
  }
  auto mark_applied = [&](Replica& R, uint32_t x) {
    R.applied[x] = 1;
    for (uint32_t q : t.txns[x].parents) R.heads.erase(q);
    R.heads.insert(x);
  };
  std::vector<uint32_t> stack, missing;
  std::vector<uint8_t> seen(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const Txn& txn = t.txns[i];
    m.before();
    Replica& R = replicas[txn.agent];
    // R must hold nothing beyond the parents' version.
    for (uint32_t h : R.heads) {
      if (std::find(txn.parents.begin(), txn.parents.end(), h) == txn.parents.end() &&
          !is_ancestor_or_self(t, h, txn.parents))
        die("txn " + std::to_string(i) + ": replica " + std::to_string(txn.agent) +
            " already holds txn " + std::to_string(h) + ", which is not in the parents' version");
    }
    // Missing ancestry, applied in index (= causal) order.
    stack.assign(txn.parents.begin(), txn.parents.end());
    missing.clear();
    while (!stack.empty()) {
      uint32_t p = stack.back();
      stack.pop_back();
      if (p >= i)
        die("txn " + std::to_string(i) + ": parent " + std::to_string(p) +
            " is not earlier (trace not in causal order)");
      if (R.applied[p] || seen[p]) continue;
      seen[p] = 1;
      missing.push_back(p);
      for (uint32_t q : t.txns[p].parents) stack.push_back(q);
    }
    std::sort(missing.begin(), missing.end());
    for (uint32_t p : missing) {
      seen[p] = 0;
      check_status(R.doc->apply_update_v1(upd[p]),
                   "txn " + std::to_string(i) + ": merging txn " + std::to_string(p));
      mark_applied(R, p);
      ++r.merged;
    }
    {
      crdt::Transaction tx(*R.doc);
      apply_patches(R.text, tx, txn.patches, i);
      crdt::Commit c = tx.commit();
      if (c.update.empty()) die("txn " + std::to_string(i) + ": produced no update", 3);
      upd[i] = std::move(c.update);
      ++r.updates;
      r.update_bytes += upd[i].size();
    }
    mark_applied(R, static_cast<uint32_t>(i));
    m.after(txn.patches.size());
  }
  // Merge: every update, in index order, into a fresh doc.
  crdt::Doc all(crdt::DocOptions{.client_id = 999999, .gc = true});
  for (size_t i = 0; i < n; ++i)
    check_status(all.apply_update_v1(upd[i]), "final merge of txn " + std::to_string(i));
  auto t1 = Clock::now();
  r.replay_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  r.rss_after_kb = current_rss_kb();
  r.heap_after_kb = heap_in_use_kb();
  finish_marks(m, r, t1);
  r.final_text = all.get_text("text").to_string();
  r.text_ok = r.final_text == t.end_content && !all.has_pending();
  // Every replica, completed with what it lacks, must converge to the same text.
  for (Replica& R : replicas) {
    auto diff = all.encode_state_as_update_v1(R.doc->encode_state_vector());
    if (!diff.ok()) die("encode diff: " + diff.status().to_string(), 3);
    check_status(R.doc->apply_update_v1(diff.value()), "syncing a replica");
    if (R.text.to_string() != r.final_text) r.replicas_ok = false;
  }
  encode_and_load(all, t.end_content, r);
  return r;
}

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void usage() {
  std::cerr << "usage: crdt_trace TRACE.json.gz [--client ID] [--json] [--dump-state FILE] "
               "[--first-last] [--check] [--slowest N] [--load-runs N]\n";
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--client" && i + 1 < argc) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(argv[++i], &end, 10);
      if (!end || *end || v > 0xffffffffULL) usage();
      o.client = v;
    } else if (a == "--json")
      o.json = true;
    else if (a == "--dump-state" && i + 1 < argc)
      o.dump = argv[++i];
    else if (a == "--first-last")
      o.first_last = true;
    else if (a == "--check")
      o.check = true;
    else if (a == "--load-runs" && i + 1 < argc) {
      o.load_runs = std::strtoull(argv[++i], nullptr, 10);
      if (o.load_runs < 1 || o.load_runs > 1000) usage();
    } else if (a == "--slowest" && i + 1 < argc)
      o.slowest = std::strtoull(argv[++i], nullptr, 10);
    else if (a.rfind("--", 0) == 0)
      usage();
    else if (o.trace.empty())
      o.trace = a;
    else
      usage();
  }
  if (o.trace.empty()) usage();

  Trace t;
  try {
    t = load_trace(o.trace);
  } catch (const std::exception& e) {
    die(o.trace + ": " + e.what());
  }
  if (t.astral) {
    if (t.concurrent)
      die(o.trace +
          ": concurrent trace with text outside the BMP: position conversion not implemented");
    try {
      convert_positions(t);
    } catch (const std::exception& e) {
      die(o.trace + ": " + e.what());
    }
  }

  Result r = t.concurrent ? replay_concurrent(t, o) : replay_sequential(t, o);
  if (!o.check && !t.concurrent) r.floor_ms = floor_replay(t);
  const long peak = peak_rss_kb();
  const bool ok = r.text_ok && r.load_ok && r.replicas_ok;
  // After the peak RSS: more loads of the same state, each into a fresh Doc.
  if (o.load_runs > 1) r.load_warm_ms = warm_load_ms(r.state, o.load_runs - 1);

  if (!o.dump.empty()) {
    std::ofstream f(o.dump, std::ios::binary);
    f.write(reinterpret_cast<const char*>(r.state.data()),
            static_cast<std::streamsize>(r.state.size()));
    if (!f) die("cannot write " + o.dump);
  }

  const double pps = r.replay_ms > 0 ? static_cast<double>(t.patches) / (r.replay_ms / 1000.0) : 0;
  std::cout << "trace          " << t.name << " (" << t.patches << " patches in " << t.txns.size()
            << " txns, "
            << (t.concurrent ? std::to_string(t.num_agents) + " agents, client ids 1.." +
                                   std::to_string(t.num_agents)
                             : "clientID " + std::to_string(o.client))
            << ")\n";
  std::cout << "replay         " << fixed2(r.replay_ms) << " ms ("
            << static_cast<long long>(pps + 0.5) << " patches/s), " << r.updates << " updates, "
            << r.update_bytes << " update bytes";
  if (t.concurrent) std::cout << ", " << r.merged << " remote txns merged";
  std::cout << "\n";
  if (o.first_last)
    std::cout << "first/last 10%  " << fixed2(r.first10_ms) << " ms / " << fixed2(r.last10_ms)
              << " ms\n";
  if (r.floor_ms >= 0)
    std::cout << "floor          " << fixed2(r.floor_ms) << " ms (std::u16string erase/insert)\n";
  std::cout << "peak RSS       " << peak << " KB (before replay " << r.rss_before_kb
            << " KB, after " << r.rss_after_kb << " KB); doc heap "
            << r.heap_after_kb - r.heap_before_kb << " KB\n";
  std::cout << "state (v1)     " << r.state.size() << " bytes, encode " << fixed2(r.encode_ms)
            << " ms, load " << fixed2(r.load_ms) << " ms";
  if (r.load_warm_ms >= 0)
    std::cout << " (warm, median of " << o.load_runs - 1 << ": " << fixed2(r.load_warm_ms)
              << " ms)";
  std::cout << "\n";
  std::cout << "ok             " << (ok ? "true" : "false")
            << (r.text_ok ? "" : " (replayed text != endContent)")
            << (r.load_ok ? "" : " (loaded text != endContent)")
            << (r.replicas_ok ? "" : " (replicas did not converge)") << "\n";

  if (o.slowest && !r.txn_ms.empty()) {
    std::sort(r.txn_ms.begin(), r.txn_ms.end(), std::greater<>());
    double total = 0;
    for (auto& [ms, i] : r.txn_ms) total += ms;
    std::cout << "slowest txns   (of " << fixed2(total) << " ms timed per txn)\n";
    for (size_t k = 0; k < std::min(o.slowest, r.txn_ms.size()); ++k) {
      const Txn& txn = t.txns[r.txn_ms[k].second];
      size_t ins = 0, del = 0;
      for (const Patch& p : txn.patches) {
        ins += p.ins16.size();
        del += p.del;
      }
      std::cout << "  txn " << r.txn_ms[k].second << ": " << fixed2(r.txn_ms[k].first) << " ms, "
                << txn.patches.size() << " patches, " << ins << " units inserted, " << del
                << " deleted\n";
    }
  }

  if (!r.text_ok) {
    size_t d = 0;
    while (d < r.final_text.size() && d < t.end_content.size() &&
           r.final_text[d] == t.end_content[d])
      ++d;
    std::cerr << "crdt_trace: text differs from endContent at byte " << d << " (got "
              << r.final_text.size() << " bytes, want " << t.end_content.size() << ")\n  got:  "
              << json::serialize(json::value(r.final_text.substr(d >= 40 ? d - 40 : 0, 80)))
              << "\n  want: "
              << json::serialize(json::value(t.end_content.substr(d >= 40 ? d - 40 : 0, 80)))
              << "\n";
    if (!t.concurrent) diagnose_sequential(t, o);
  }

  if (o.json) {
    std::ostringstream js;
    js << "{\"trace\":" << json::serialize(json::value(t.name)) << ",\"kind\":\""
       << (t.concurrent ? "concurrent" : "sequential") << "\",\"patches\":" << t.patches
       << ",\"txns\":" << t.txns.size() << ",\"replay_ms\":" << fixed2(r.replay_ms)
       << ",\"patches_per_s\":" << static_cast<long long>(pps + 0.5) << ",\"peak_rss_kb\":" << peak
       << ",\"rss_before_kb\":" << r.rss_before_kb << ",\"rss_after_replay_kb\":" << r.rss_after_kb
       << ",\"doc_heap_kb\":" << r.heap_after_kb - r.heap_before_kb
       << ",\"state_v1_bytes\":" << r.state.size() << ",\"encode_ms\":" << fixed2(r.encode_ms)
       << ",\"load_ms\":" << fixed2(r.load_ms);
    if (r.load_warm_ms >= 0) js << ",\"load_warm_ms\":" << fixed2(r.load_warm_ms);
    js << ",\"updates\":" << r.updates << ",\"update_bytes\":" << r.update_bytes
       << ",\"ok\":" << (ok ? "true" : "false");
    if (r.floor_ms >= 0) js << ",\"floor_ms\":" << fixed2(r.floor_ms);
    if (o.first_last)
      js << ",\"first10_ms\":" << fixed2(r.first10_ms) << ",\"last10_ms\":" << fixed2(r.last10_ms);
    if (t.concurrent)
      js << ",\"agents\":" << t.num_agents << ",\"merged_remote_txns\":" << r.merged;
    js << ",\"engine\":\"samenplan::crdt (C++)\"}";
    std::cout << js.str() << "\n";
  }
  return ok ? 0 : 3;
}
