// Text search markers may be chosen freely (type_ops.cpp, find_marker): the
// same editing session under the three DocState::TextMarkers policies (the
// default recent-first one, Yjs' nearest marker, no markers at all) must give
// byte-identical updates for every transaction and the same final state.
#include <catch2/catch.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "doc_state.h"
#include "samenplan/crdt/doc.h"

using namespace samenplan::crdt;

namespace {

using Policy = DocState::TextMarkers;

struct Replica {
  explicit Replica(uint64_t client, Policy policy) : doc(DocOptions{client, true}) {
    doc.state()->text_markers = policy;
  }
  Doc doc;
  TextRef text;
};

// The markers of `t` as (item, index) pairs, in array order.
std::vector<std::pair<const void*, uint64_t>> markers_of(const TextRef& t) {
  std::vector<std::pair<const void*, uint64_t>> out;
  const auto& m = t.raw()->search_marker;
  if (!m) return out;
  for (size_t i = 0; i < m->size(); ++i) out.emplace_back(m->p(i), m->index(i));
  return out;
}

struct SessionResult {
  size_t transactions = 0;
  size_t remote_updates = 0;
  bool markers_differed = false;  // recent-first and nearest held different markers
  uint64_t final_length = 0;
};

// A seeded session on one text: typing at a cursor (a character, a word,
// several keystrokes in one transaction), backspace, forward delete, cursor
// jumps, pastes, selections deleted, embeds, and a peer typing next to the
// cursor whose updates arrive late. With `xml`, the text is an XmlText inside
// an XmlFragment; with `format_at` > 0, op number `format_at` formats a range
// (after which no policy uses markers any more).
SessionResult run_session(uint32_t seed, size_t n_ops, bool xml, size_t format_at = 0) {
  constexpr uint64_t kClient = 77;
  const Policy policies[] = {Policy::kRecentFirst, Policy::kNearest, Policy::kNone};
  std::vector<std::unique_ptr<Replica>> reps;
  for (Policy p : policies) reps.push_back(std::make_unique<Replica>(kClient, p));
  Doc peer(DocOptions{kClient + 1, true});
  TextRef peer_text;
  for (auto& r : reps) {
    if (xml) {
      Transaction txn(r->doc);
      auto t = r->doc.get_xml_fragment("x").insert_text(txn, 0);
      REQUIRE(t.ok());
      r->text = TextRef(t.value().raw());
    } else {
      r->text = r->doc.get_text("t");
    }
  }
  {
    // The same setup on every replica gave the same update; the peer starts from it.
    auto state = reps[0]->doc.encode_state_as_update_v1();
    REQUIRE(state.ok());
    REQUIRE(peer.apply_update_v1(state.value()).ok());
    peer_text = xml ? TextRef(peer.get_xml_fragment("x").child(0).raw()) : peer.get_text("t");
    for (size_t k = 1; k < reps.size(); ++k) {
      auto other = reps[k]->doc.encode_state_as_update_v1();
      REQUIRE(other.ok());
      REQUIRE(other.value() == state.value());
    }
  }

  std::mt19937 rng(seed);
  const auto rnd = [&] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  const auto below = [&](uint64_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng);
  };
  const std::vector<std::string> words = {"de", "school", "JGZ", "wijkteam", "één",    "café",
                                          "😀",  "plan",   " ",   "\n",       "ouders", "kansen"};
  std::deque<std::vector<uint8_t>> to_peer;
  SessionResult res;
  uint64_t cur = 0;

  // Runs one transaction made of `steps` on every replica and compares the updates.
  using Step = std::function<void(Transaction&, TextRef&)>;
  const auto run = [&](const std::vector<Step>& steps) {
    std::vector<std::vector<uint8_t>> updates;
    for (auto& r : reps) {
      Transaction txn(r->doc);
      for (const Step& s : steps) s(txn, r->text);
      Commit c;
      txn.commit(c);
      updates.push_back(c.update);
    }
    for (size_t k = 1; k < updates.size(); ++k) REQUIRE(updates[k] == updates[0]);
    if (!updates[0].empty()) to_peer.push_back(updates[0]);
    ++res.transactions;
    if (markers_of(reps[0]->text) != markers_of(reps[1]->text)) res.markers_differed = true;
  };
  const auto len = [&] { return reps[0]->text.length(); };
  const auto insert_at = [](uint64_t at, std::string s) {
    return Step([at, s](Transaction& txn, TextRef& t) { REQUIRE(t.insert(txn, at, s).ok()); });
  };
  const auto remove_at = [](uint64_t at, uint64_t n) {
    return Step([at, n](Transaction& txn, TextRef& t) { REQUIRE(t.remove(txn, at, n).ok()); });
  };
  const auto utf16_len = [](const std::string& s) {
    uint64_t n = 0;
    for (size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      const size_t bytes = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      n += bytes == 4 ? 2 : 1;
      i += bytes;
    }
    return n;
  };
  const auto letter = [&] { return std::string(1, static_cast<char>('a' + below(26))); };

  for (size_t op = 0; op < n_ops; ++op) {
    cur = std::min(cur, len());
    const double r = rnd();
    if (format_at > 0 && op == format_at && len() > 2) {
      const uint64_t at = below(len() - 1);
      AnyObject bold;
      bold.set("bold", Any::boolean(true));
      run({[at, bold](Transaction& txn, TextRef& t) { REQUIRE(t.format(txn, at, 2, bold).ok()); }});
    } else if (r < 0.08) {
      // The peer types or deletes next to the cursor after catching up partly.
      while (!to_peer.empty() && rnd() < 0.8) {
        REQUIRE(peer.apply_update_v1(to_peer.front()).ok());
        to_peer.pop_front();
      }
      const uint64_t plen = peer_text.length();
      const uint64_t at = std::min<uint64_t>(cur + below(3), plen);
      Commit c;
      {
        Transaction txn(peer);
        if (rnd() < 0.75 || plen == 0) {
          REQUIRE(peer_text.insert(txn, at > 0 ? at - 1 : 0, rnd() < 0.5 ? "x" : "qq ").ok());
        } else {
          REQUIRE(peer_text.remove(txn, std::min(at, plen - 1), 1).ok());
        }
        txn.commit(c);
      }
      for (auto& rep : reps) REQUIRE(rep->doc.apply_update_v1(c.update).ok());
      ++res.remote_updates;
    } else if (r < 0.45) {
      const std::string s = rnd() < 0.7 ? letter() : words[below(words.size())];
      run({insert_at(cur, s)});
      cur += utf16_len(s);
    } else if (r < 0.57 && cur > 0) {
      run({remove_at(cur - 1, 1)});  // backspace
      --cur;
    } else if (r < 0.62 && cur < len()) {
      run({remove_at(cur, std::min<uint64_t>(len() - cur, 1 + below(3)))});  // forward delete
    } else if (r < 0.72) {
      cur = below(len() + 1);  // click elsewhere
    } else if (r < 0.74) {
      cur = below(8) < 4 ? 0 : len();  // Home / End of the document
    } else if (r < 0.86) {
      // Several keystrokes in one transaction, some deleted or retyped inside it.
      std::vector<Step> steps;
      const uint64_t n = 2 + below(4);
      for (uint64_t i = 0; i < n; ++i) steps.push_back(insert_at(cur++, letter()));
      const double k = rnd();
      if (k < 0.3) {
        steps.push_back(remove_at(--cur, 1));
      } else if (k < 0.5) {
        steps.push_back(remove_at(cur - n, 2));
        cur -= 2;
        steps.push_back(insert_at(cur, "XY"));
        cur += 2;
      } else if (k < 0.6) {
        steps.push_back(insert_at(cur - n, "|"));
        ++cur;
      }
      run(steps);
    } else if (r < 0.9) {
      const std::string s = words[below(words.size())] + " " + words[below(words.size())];
      run({insert_at(cur, s)});  // paste
      cur += utf16_len(s);
    } else if (r < 0.93) {
      const uint64_t at = cur;
      run({[at](Transaction& txn, TextRef& t) {
        AnyObject img;
        img.set("image", Any::string("foto.png"));
        REQUIRE(t.insert_embed(txn, at, Any::object(img)).ok());
      }});
      ++cur;
    } else if (len() > 4) {
      // Select and delete, sometimes a long stretch.
      const uint64_t at = below(len() - 2);
      const uint64_t n = 1 + below(std::min<uint64_t>(rnd() < 0.05 ? 100 : 12, len() - at - 1));
      run({remove_at(at, n)});
      cur = at;
    } else {
      run({insert_at(cur, letter())});
      ++cur;
    }
  }
  std::vector<std::vector<uint8_t>> states;
  for (auto& rep : reps) {
    auto s = rep->doc.encode_state_as_update_v1();
    REQUIRE(s.ok());
    states.push_back(s.value());
  }
  for (size_t k = 1; k < states.size(); ++k) REQUIRE(states[k] == states[0]);
  REQUIRE(reps[1]->text.to_string() == reps[0]->text.to_string());
  REQUIRE(reps[2]->text.to_string() == reps[0]->text.to_string());
  res.final_length = len();
  return res;
}

}  // namespace

TEST_CASE("text markers: recent-first, nearest and none give identical updates", "[markers]") {
  for (uint32_t seed : {1u, 2u, 3u, 20261207u}) {
    INFO("seed " << seed);
    const SessionResult r = run_session(seed, 3000, false);
    // The session is long enough to matter: many transactions and remote
    // updates, a text of more than a few markers' spacing, and the two
    // marker policies really held different markers at some point.
    CHECK(r.transactions > 2000);
    CHECK(r.remote_updates > 100);
    CHECK(r.final_length > 500);
    CHECK(r.markers_differed);
  }
}

TEST_CASE("text markers: the same holds in an XmlText and across a first format", "[markers]") {
  const SessionResult x = run_session(5, 2000, true);
  CHECK(x.markers_differed);
  const SessionResult f = run_session(6, 2000, false, 1000);
  CHECK(f.markers_differed);
}
