// server_loadgen: the C++ load generator of the server benchmark (bench/server/run.mjs
// --loadgen cpp). A drop-in for one worker.mjs process: it reads the same commands (one JSON
// object per line on stdin: connect, run, stats, close) and answers with the same objects (one
// JSON line each on stdout), so run.mjs merges and reports its results unchanged.
//
// Clients speak the y-websocket sync protocol, or Hocuspocus' (document-name prefix on every
// message, an Auth message first, ready after its SyncStep1 and the SyncReply to ours), over
// the minimal RFC 6455 client in loadgen/ws_conn.h, all on one thread and one epoll set.
// Writers own a samenplan::crdt::Doc with clientID = cid and append INSERT_LEN ASCII chars to
// Text("text") per update, sending the commit's v1 update (update k covers clocks
// [k*L, (k+1)*L), as worker.mjs with Y.Doc). Readers parse only the struct headers
// (loadgen/update_ranges.h) and count, per (writer, k), the clients that have it and when the
// last one got it. Times are CLOCK_MONOTONIC in ms, the clock of Node's process.hrtime.
//
//   server_loadgen [--tick-us 500] [--keepalive-ms 15000]
// Commands on stdin; see bench/README.md.
// --tick-us: the least time between two wake-ups of the writers' timer, which is otherwise
// armed for the next update due.
// --keepalive-ms: every ready client sends a queryAwareness (message type 3; the server answers
// the sender only) once per period, the clients spread evenly over it, as a real provider sends
// awareness every 15 s: Hocuspocus 4 closes a connection that has sent nothing for 60 s. 0 = off.
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "loadgen/output.h"
#include "loadgen/update_ranges.h"
#include "loadgen/ws_conn.h"
#include "samenplan/crdt/doc.h"

namespace json = boost::json;
namespace crdt = samenplan::crdt;
using samenplan::bench::Counters;
using samenplan::bench::put_ms;
using samenplan::bench::put_u64;
using samenplan::bench::put_varuint;
using samenplan::bench::uri_component;
using samenplan::bench::WsConn;

namespace {

constexpr uint64_t kKeyMul = 1ull << 22;  // key = client * 2^22 + k (as worker.mjs)
constexpr int64_t kConnectTimeoutNs = 30'000'000'000;
constexpr uint8_t kMsgSync = 0, kMsgAuth = 2, kMsgQueryAwareness = 3,
                  kMsgSyncReply = 4;  // 4: Hocuspocus
constexpr uint8_t kStep1 = 0, kStep2 = 1, kUpdate = 2;

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000ll + ts.tv_nsec;
}

double num(const json::object& o, const char* key, double def) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return def;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  return def;
}

// Per writer: for update k, how many of this process' clients have it, and when the last did.
struct Track {
  std::vector<uint32_t> count;
  std::vector<int64_t> last_ns;
};

class Loadgen;

class Client final : public samenplan::bench::WsHandler {
 public:
  Client(Loadgen& lg, size_t index, std::string doc, uint64_t cid, bool writer)
      : lg_(lg), index_(index), doc_name_(std::move(doc)), cid_(cid), writer_(writer) {}

  void on_open() override;
  void on_message(const uint8_t* data, size_t size) override;
  void on_closed(int code, const char* why, bool error) override;

  // The sync message `prefix + [0, subtype] + varUint8Array(payload)`.
  void send_sync(uint8_t subtype, const uint8_t* payload, size_t size);
  // Queues `prefix + [3]` (queryAwareness).
  void send_query_awareness();
  // Creates update k (one text insert, one commit) and queues it. Returns its send time.
  int64_t queue_next_update();

  Loadgen& lg_;
  size_t index_;
  std::string doc_name_;
  uint64_t cid_;
  bool writer_;
  std::vector<uint8_t> prefix_;  // varString(doc) for Hocuspocus, else empty
  WsConn conn_;
  bool epoll_out_ = false;
  bool got_step1_ = false, got_step2_ = false, ready_ = false, settled_ = false;
  int64_t connect_deadline_ = 0;
  std::unique_ptr<crdt::Doc> doc_;  // writers
  crdt::TextRef text_;
  uint64_t k_ = 0;  // next update number
  uint64_t sent_in_step_ = 0;
  double phase_ms_ = 0;
};

class Loadgen {
 public:
  Loadgen(int64_t tick_ns, int64_t keepalive_ns) : tick_ns_(tick_ns), keepalive_ns_(keepalive_ns) {}
  int run();

  // called by clients
  void settle(Client& c, bool ok);
  void sync_epoll(Client& c);
  void record(uint64_t reader, uint64_t client, uint64_t clock, uint64_t len, int64_t t);

  std::string proto_ = "yws";
  uint64_t insert_len_ = 8;
  std::string payload_ = std::string(8, 'x');
  Counters counters_;
  bool measuring_ = false;
  int64_t last_recv_ns_ = 0;

 private:
  void on_command(const std::string& line);
  void cmd_connect(const json::object& m);
  void cmd_run(const json::object& m);
  void on_tick();
  void keepalive(int64_t t);
  void start_next_connects();
  void finish_step();
  void set_tick(int64_t ns);    // periodic (connects, drain)
  void arm_at(int64_t abs_ns);  // one shot (a step's writers)
  void reply(const std::string& line);

  int64_t tick_ns_;
  int64_t keepalive_ns_;
  size_t keepalive_next_ = 0;      // the client whose keep-alive is next (round robin)
  int64_t keepalive_next_ns_ = 0;  // when it is due
  int ep_ = -1, timer_ = -1;
  std::deque<std::unique_ptr<Client>> clients_;  // stable addresses; index = epoll data - 2
  std::string stdin_buf_;
  // connect phase
  bool connecting_ = false;
  std::vector<size_t> to_connect_;
  size_t next_connect_ = 0, in_flight_ = 0, concurrency_ = 64, ok_ = 0, failed_ = 0;
  int64_t connect_t0_ = 0;
  std::vector<Client*> inflight_list_;
  std::string host_, base_path_;
  sockaddr_in addr_{};
  // step
  bool running_ = false, draining_ = false;
  double rate_ = 0;
  int64_t start_ns_ = 0, end_ns_ = 0, drain_ns_ = 0, drain_deadline_ = 0;
  std::vector<Client*> writers_;
  std::vector<std::pair<uint64_t, int64_t>> sent_;
  uint64_t send_errors_ = 0;
  std::unordered_map<uint64_t, Track> tracks_;
  uint64_t cached_client_ = ~0ull;
  Track* cached_track_ = nullptr;
  std::mt19937_64 rng_{std::random_device{}()};
};

// ---- Client ----

void Client::send_sync(uint8_t subtype, const uint8_t* payload, size_t size) {
  std::vector<uint8_t> head = prefix_;
  head.push_back(kMsgSync);
  head.push_back(subtype);
  put_varuint(head, size);
  conn_.queue_binary(head.data(), head.size(), payload, size);
}

void Client::on_open() {
  if (lg_.proto_ == "hocuspocus") {  // Auth (type 2), subtype 0 = token, varString("")
    std::vector<uint8_t> auth = prefix_;
    auth.insert(auth.end(), {kMsgAuth, 0, 0});
    conn_.queue_binary(auth.data(), auth.size(), nullptr, 0);
  }
  static const uint8_t kEmptySv[] = {0};
  if (doc_) {
    const std::vector<uint8_t> sv = doc_->encode_state_vector();
    send_sync(kStep1, sv.data(), sv.size());
  } else {
    send_sync(kStep1, kEmptySv, 1);
  }
  conn_.flush();
}

void Client::on_message(const uint8_t* data, size_t size) {
  const int64_t t = now_ns();
  lg_.counters_.msgs_in++;
  lg_.counters_.bytes_in += size;
  samenplan::bench::ByteReader r{data, data + size};
  if (!prefix_.empty()) r.skip_bytes();
  const uint64_t type = r.varuint();
  if (!r.ok || (type != kMsgSync && type != kMsgSyncReply)) return;  // awareness, auth, status
  const uint64_t sub = r.varuint();
  const uint64_t n = r.varuint();
  if (!r.ok || n > static_cast<uint64_t>(r.end - r.p)) {
    lg_.counters_.slow_parses++;  // malformed: counted, not recorded
    return;
  }
  const uint8_t* body = r.p;
  if (sub == kUpdate) {
    if (!lg_.measuring_) return;
    lg_.counters_.updates_in++;
    lg_.last_recv_ns_ = t;
    struct Ctx {
      Loadgen* lg;
      uint64_t reader;
      int64_t t;
    } ctx{&lg_, cid_, t};
    auto on_range = [](void* p, uint64_t client, uint64_t clock, uint64_t len) {
      auto* c = static_cast<Ctx*>(p);
      c->lg->record(c->reader, client, clock, len, c->t);
    };
    if (!samenplan::bench::update_ranges(body, n, on_range, &ctx)) lg_.counters_.slow_parses++;
    return;
  }
  if (sub == kStep1) {
    static const uint8_t kEmptyUpdate[] = {0, 0};
    if (doc_) {
      auto upd = doc_->encode_state_as_update_v1({body, n});
      if (upd.ok())
        send_sync(kStep2, upd.value().data(), upd.value().size());
      else
        send_sync(kStep2, kEmptyUpdate, 2);
    } else {
      send_sync(kStep2, kEmptyUpdate, 2);
    }
    conn_.flush();
    lg_.sync_epoll(*this);
    got_step1_ = true;
  } else if (sub == kStep2) {
    got_step2_ = true;
  }
  if (got_step2_ && !ready_ && (got_step1_ || lg_.proto_ != "hocuspocus")) {
    ready_ = true;
    lg_.settle(*this, true);
  }
}

void Client::on_closed(int code, const char* /*why*/, bool error) {
  if (error) lg_.counters_.errors++;
  lg_.counters_.closes++;
  lg_.counters_.close_codes[code]++;
  epoll_out_ = false;
  lg_.settle(*this, false);
}

void Client::send_query_awareness() {
  std::vector<uint8_t> msg = prefix_;
  msg.push_back(kMsgQueryAwareness);
  conn_.queue_binary(msg.data(), msg.size(), nullptr, 0);
}

int64_t Client::queue_next_update() {
  const int64_t t = now_ns();
  const uint64_t k = k_++;
  crdt::Commit commit;
  {
    crdt::Transaction txn(*doc_);
    (void)text_.insert(txn, k * lg_.insert_len_, lg_.payload_);
    commit = txn.commit();
  }
  send_sync(kUpdate, commit.update.data(), commit.update.size());
  return t;
}

// ---- Loadgen ----

void Loadgen::reply(const std::string& line) {
  std::string out = line;
  out += '\n';
  size_t off = 0;
  while (off < out.size()) {
    const ssize_t n = ::write(1, out.data() + off, out.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::exit(4);  // run.mjs is gone
    off += static_cast<size_t>(n);
  }
}

void Loadgen::arm_at(int64_t abs_ns) {
  itimerspec its{};  // one shot at abs_ns (CLOCK_MONOTONIC); a past time fires at once
  abs_ns = std::max<int64_t>(abs_ns, 1);
  its.it_value.tv_sec = abs_ns / 1'000'000'000;
  its.it_value.tv_nsec = abs_ns % 1'000'000'000;
  timerfd_settime(timer_, TFD_TIMER_ABSTIME, &its, nullptr);
}

void Loadgen::set_tick(int64_t ns) {
  itimerspec its{};
  its.it_interval.tv_sec = ns / 1'000'000'000;
  its.it_interval.tv_nsec = ns % 1'000'000'000;
  its.it_value = its.it_interval;
  timerfd_settime(timer_, 0, &its, nullptr);
}

void Loadgen::sync_epoll(Client& c) {
  const int fd = c.conn_.fd();
  if (fd < 0) return;
  const bool want = c.conn_.want_write();
  if (want == c.epoll_out_) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? uint32_t{EPOLLOUT} : 0u);
  ev.data.u64 = c.index_ + 2;
  epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev);
  c.epoll_out_ = want;
}

void Loadgen::record(uint64_t reader, uint64_t client, uint64_t clock, uint64_t len, int64_t t) {
  if (client == reader || client >= (1ull << 31)) return;
  uint64_t k0 = clock / insert_len_;
  uint64_t k1 = std::min((clock + len) / insert_len_, kKeyMul);
  if (k1 <= k0) return;
  if (client != cached_client_) {
    cached_client_ = client;
    cached_track_ = &tracks_[client];
  }
  Track& tr = *cached_track_;
  if (tr.count.size() < k1) {
    const size_t n = std::max<size_t>(k1, tr.count.size() * 2);
    tr.count.resize(n, 0);
    tr.last_ns.resize(n, 0);
  }
  for (uint64_t k = k0; k < k1; k++) {
    tr.count[k]++;
    tr.last_ns[k] = t;
  }
}

void Loadgen::settle(Client& c, bool ok) {
  if (c.settled_) return;
  c.settled_ = true;
  if (!connecting_) return;
  ok ? ok_++ : failed_++;
  in_flight_--;
  std::erase(inflight_list_, &c);
  start_next_connects();
}

void Loadgen::start_next_connects() {
  while (in_flight_ < concurrency_ && next_connect_ < to_connect_.size()) {
    Client& c = *clients_[to_connect_[next_connect_++]];
    const std::string path = proto_ == "hocuspocus" ? (base_path_.empty() ? "/" : base_path_)
                                                    : base_path_ + "/" + uri_component(c.doc_name_);
    if (!c.conn_.start(addr_, host_, path, &c)) {
      c.settled_ = true;
      failed_++;
      counters_.errors++;
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = c.index_ + 2;
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.conn_.fd(), &ev);
    c.epoll_out_ = true;
    c.connect_deadline_ = now_ns() + kConnectTimeoutNs;
    in_flight_++;
    inflight_list_.push_back(&c);
  }
  if (connecting_ && in_flight_ == 0 && next_connect_ >= to_connect_.size()) {
    connecting_ = false;
    std::string out = "{\"ev\":\"connected\",\"connected\":";
    put_u64(out, ok_);
    out += ",\"failed\":";
    put_u64(out, failed_);
    out += ",\"connect_ms\":";
    put_ms(out, now_ns() - connect_t0_);
    out += ",\"counters\":";
    counters_.write(out);
    out += '}';
    reply(out);
  }
}

void Loadgen::cmd_connect(const json::object& m) {
  proto_ = json::value_to<std::string>(m.at("proto"));
  insert_len_ = static_cast<uint64_t>(num(m, "insertLen", 8));
  if (insert_len_ == 0) insert_len_ = 8;
  payload_.assign(insert_len_, 'x');
  concurrency_ = static_cast<size_t>(std::max(1.0, num(m, "concurrency", 64)));
  // base: ws://HOST:PORT[/path]
  const std::string base = json::value_to<std::string>(m.at("base"));
  const std::string rest = base.substr(base.find("://") + 3);
  const size_t slash = rest.find('/');
  host_ = rest.substr(0, slash);
  base_path_ = slash == std::string::npos ? "" : rest.substr(slash);
  const size_t colon = host_.rfind(':');
  addr_ = {};
  addr_.sin_family = AF_INET;
  addr_.sin_port = htons(static_cast<uint16_t>(std::stoi(host_.substr(colon + 1))));
  std::string ip = host_.substr(0, colon);
  if (ip == "localhost") ip = "127.0.0.1";
  if (inet_pton(AF_INET, ip.c_str(), &addr_.sin_addr) != 1)
    throw std::runtime_error("bad host " + ip);
  to_connect_.clear();
  for (const json::value& v : m.at("clients").as_array()) {
    const json::object& s = v.as_object();
    auto c =
        std::make_unique<Client>(*this, clients_.size(), json::value_to<std::string>(s.at("doc")),
                                 static_cast<uint64_t>(num(s, "cid", 0)), s.at("writer").as_bool());
    if (proto_ == "hocuspocus") {
      put_varuint(c->prefix_, c->doc_name_.size());
      c->prefix_.insert(c->prefix_.end(), c->doc_name_.begin(), c->doc_name_.end());
    }
    if (c->writer_) {
      c->doc_ = std::make_unique<crdt::Doc>(crdt::DocOptions{.client_id = c->cid_, .gc = true});
      c->text_ = c->doc_->get_text("text");
    }
    to_connect_.push_back(clients_.size());
    clients_.push_back(std::move(c));
  }
  connecting_ = true;
  next_connect_ = in_flight_ = ok_ = failed_ = 0;
  inflight_list_.clear();
  connect_t0_ = now_ns();
  start_next_connects();
}

void Loadgen::cmd_run(const json::object& m) {
  rate_ = num(m, "rate", 1);
  start_ns_ = static_cast<int64_t>(num(m, "startAt", 0) * 1e6);
  end_ns_ = start_ns_ + static_cast<int64_t>(num(m, "durationMs", 1000) * 1e6);
  drain_ns_ = static_cast<int64_t>(num(m, "drainMs", 5000) * 1e6);
  tracks_.clear();
  cached_client_ = ~0ull;
  sent_.clear();
  send_errors_ = 0;
  writers_.clear();
  std::uniform_real_distribution<double> phase(0, 1000 / rate_);
  for (auto& c : clients_) {
    if (!c->writer_ || !c->ready_) continue;
    c->sent_in_step_ = 0;
    c->phase_ms_ = phase(rng_);
    writers_.push_back(c.get());
  }
  sent_.reserve(static_cast<size_t>(rate_ * (end_ns_ - start_ns_) / 1e9 + 16) * writers_.size());
  measuring_ = true;
  running_ = true;
  draining_ = false;
  arm_at(start_ns_);
}

void Loadgen::keepalive(int64_t t) {
  if (keepalive_ns_ <= 0 || connecting_ || clients_.empty()) return;
  const size_t n = clients_.size();
  const int64_t gap = std::max<int64_t>(keepalive_ns_ / static_cast<int64_t>(n), 1);
  if (keepalive_next_ns_ == 0) keepalive_next_ns_ = t + gap;
  for (size_t budget = n; t >= keepalive_next_ns_ && budget > 0; --budget) {
    Client& c = *clients_[keepalive_next_++ % n];
    keepalive_next_ns_ += gap;
    if (!c.ready_ || !c.conn_.open()) continue;
    c.send_query_awareness();
    c.conn_.flush();
    sync_epoll(c);
  }
  if (t >= keepalive_next_ns_) keepalive_next_ns_ = t + gap;  // a whole round behind: restart
}

void Loadgen::on_tick() {
  const int64_t t = now_ns();
  if (connecting_) {
    for (Client* c : std::vector<Client*>(inflight_list_)) {
      if (t > c->connect_deadline_) {
        c->conn_.terminate();
        settle(*c, false);
      }
    }
  }
  keepalive(t);
  if (!running_) return;
  if (!draining_) {
    if (t < start_ns_) {
      arm_at(start_ns_);
      return;
    }
    const double el_ms = static_cast<double>(std::min(t, end_ns_) - start_ns_) / 1e6;
    for (Client* w : writers_) {
      const uint64_t due =
          el_ms < w->phase_ms_
              ? 0
              : static_cast<uint64_t>(std::floor((el_ms - w->phase_ms_) * rate_ / 1000)) + 1;
      if (w->sent_in_step_ >= due) continue;
      if (!w->conn_.open()) {
        send_errors_ += due - w->sent_in_step_;
        w->sent_in_step_ = due;
        continue;
      }
      while (w->sent_in_step_ < due) {
        const uint64_t key = w->cid_ * kKeyMul + w->k_;
        sent_.emplace_back(key, w->queue_next_update());
        w->sent_in_step_++;
      }
      w->conn_.flush();
      sync_epoll(*w);
    }
    if (t >= end_ns_) {
      draining_ = true;
      drain_deadline_ = now_ns() + drain_ns_;
      set_tick(10'000'000);
      return;
    }
    // next wake-up: when the first writer's next update is due (update s of a writer is due
    // at phase + s / rate), at least tick_ns_ from now, at the latest at the end of the step
    int64_t next = end_ns_;
    for (const Client* w : writers_) {
      const double due_ms = w->phase_ms_ + static_cast<double>(w->sent_in_step_) * 1000 / rate_;
      next = std::min(next, start_ns_ + static_cast<int64_t>(due_ms * 1e6));
    }
    arm_at(std::max(next, t + tick_ns_));
    return;
  }
  // drain: until drainMs or nothing received for 500 ms
  if (t > drain_deadline_ || t - std::max(last_recv_ns_, end_ns_) > 500'000'000) finish_step();
}

void Loadgen::finish_step() {
  measuring_ = false;
  running_ = false;
  std::string out;
  out.reserve(sent_.size() * 40 + 256);
  out += "{\"ev\":\"step\",\"sent\":[";
  bool first = true;
  for (const auto& [key, t] : sent_) {
    if (!first) out += ',';
    first = false;
    put_u64(out, key);
    out += ',';
    put_ms(out, t);
  }
  out += "],\"recv\":[";
  first = true;
  for (const auto& [client, tr] : tracks_) {
    for (size_t k = 0; k < tr.count.size(); k++) {
      if (tr.count[k] == 0) continue;
      if (!first) out += ',';
      first = false;
      put_u64(out, client * kKeyMul + k);
      out += ',';
      put_u64(out, tr.count[k]);
      out += ',';
      put_ms(out, tr.last_ns[k]);
    }
  }
  out += "],\"sendErrors\":";
  put_u64(out, send_errors_);
  out += ",\"counters\":";
  counters_.write(out);
  out += '}';
  tracks_.clear();
  cached_client_ = ~0ull;
  reply(out);
}

void Loadgen::on_command(const std::string& line) {
  try {
    const json::object m = json::parse(line).as_object();
    const std::string cmd = json::value_to<std::string>(m.at("cmd"));
    if (cmd == "connect") {
      cmd_connect(m);
    } else if (cmd == "run") {
      cmd_run(m);
    } else if (cmd == "stats") {
      size_t open = 0;
      for (auto& c : clients_) open += c->conn_.open() ? 1 : 0;
      std::string out = "{\"ev\":\"stats\",\"open\":";
      put_u64(out, open);
      out += ",\"counters\":";
      counters_.write(out);
      reply(out + "}");
    } else if (cmd == "close") {
      for (auto& c : clients_) c->conn_.terminate();
      reply("{\"ev\":\"closed\"}");
      std::exit(0);
    } else {
      throw std::runtime_error("unknown command " + cmd);
    }
  } catch (const std::exception& e) {
    reply("{\"ev\":\"error\",\"error\":" + json::serialize(json::string(e.what())) + "}");
  }
}

int Loadgen::run() {
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (ep_ < 0 || timer_ < 0) return 1;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  if (epoll_ctl(ep_, EPOLL_CTL_ADD, 0, &ev) != 0) {  // stdin: commands
    std::fprintf(stderr, "server_loadgen: stdin must be a pipe (run.mjs sends the commands): %s\n",
                 std::strerror(errno));
    return 1;
  }
  ev.data.u64 = 1;
  epoll_ctl(ep_, EPOLL_CTL_ADD, timer_, &ev);
  set_tick(10'000'000);
  epoll_event events[512];
  for (;;) {
    const int n = epoll_wait(ep_, events, 512, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return 1;
    counters_.wakeups++;
    counters_.events += static_cast<uint64_t>(n);
    for (int i = 0; i < n; i++) {
      const uint64_t id = events[i].data.u64;
      if (id == 0) {
        char buf[65536];
        const ssize_t r = ::read(0, buf, sizeof buf);
        if (r <= 0) return 0;  // run.mjs is gone
        stdin_buf_.append(buf, static_cast<size_t>(r));
        size_t nl;
        while ((nl = stdin_buf_.find('\n')) != std::string::npos) {
          const std::string line = stdin_buf_.substr(0, nl);
          stdin_buf_.erase(0, nl + 1);
          if (!line.empty()) on_command(line);
        }
      } else if (id == 1) {
        uint64_t expirations;
        if (::read(timer_, &expirations, sizeof expirations) > 0) on_tick();
      } else {
        Client& c = *clients_[id - 2];
        const uint32_t e = events[i].events;
        if (c.conn_.fd() < 0) continue;
        if (e & (EPOLLOUT | EPOLLERR)) c.conn_.on_writable();
        if ((e & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c.conn_.fd() >= 0) c.conn_.on_readable();
        sync_epoll(c);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t tick_us = 500;
  int64_t keepalive_ms = 15000;
  for (int i = 1; i + 1 < argc; i++) {
    if (std::strcmp(argv[i], "--tick-us") == 0) tick_us = std::max(50, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--keepalive-ms") == 0)
      keepalive_ms = std::max(0, std::atoi(argv[i + 1]));
  }
  std::signal(SIGPIPE, SIG_IGN);
  rlimit rl{};  // one fd per client: as many as allowed
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  alarm(20 * 60);  // never outlive a run (as worker.mjs)
  Loadgen lg(tick_us * 1000, keepalive_ms * 1'000'000);
  return lg.run();
}
