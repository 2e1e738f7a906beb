#include "samenplan/crdt/any.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "utf.h"

namespace samenplan::crdt {
namespace {

// A canonical array index: "0" or digits without a leading zero, < 2^32 - 1.
bool array_index(std::string_view key, uint64_t& index) {
  if (key.empty() || key.size() > 10) return false;
  if (key.size() > 1 && key[0] == '0') return false;
  uint64_t v = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v >= 4294967295ULL) return false;
  index = v;
  return true;
}

constexpr int kMaxJsonDepth = 512;

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}

  Result<Any> parse() {
    skip_ws();
    Any v = value(0);
    skip_ws();
    if (ok_ && pos_ != s_.size()) error("unexpected trailing characters");
    if (!ok_) return Status::error(ErrorCode::kBadJson, msg_);
    return v;
  }

 private:
  void error(const char* m) {
    if (ok_) {
      ok_ = false;
      msg_ = std::string("JSON: ") + m + " at offset " + std::to_string(pos_);
    }
  }
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    error("invalid literal");
    return false;
  }
  Any value(int depth) {
    if (!ok_) return {};
    if (depth > kMaxJsonDepth) {
      error("nested too deeply");
      return {};
    }
    if (pos_ >= s_.size()) {
      error("unexpected end");
      return {};
    }
    const char c = s_[pos_];
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"': {
        std::string str;
        string(str);
        return Any::string(std::move(str));
      }
      case 't':
        return literal("true") ? Any::boolean(true) : Any();
      case 'f':
        return literal("false") ? Any::boolean(false) : Any();
      case 'n':
        return literal("null") ? Any::null() : Any();
      default:
        return number();
    }
  }
  Any number() {
    const size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size()) {
      error("invalid number");
      return {};
    }
    if (s_[pos_] == '0') {
      ++pos_;
    } else if (s_[pos_] >= '1' && s_[pos_] <= '9') {
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    } else {
      error("unexpected character");
      return {};
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      const size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (d == pos_) {
        error("invalid number");
        return {};
      }
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      const size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (d == pos_) {
        error("invalid number");
        return {};
      }
    }
    double v = 0;
    auto res = std::from_chars(s_.data() + start, s_.data() + pos_, v);
    if (res.ec == std::errc::result_out_of_range) {
      // from_chars reports overflow/underflow; JSON.parse gives ±Infinity or ±0.
      const bool neg = s_[start] == '-';
      std::string tmp(s_.substr(start, pos_ - start));
      v = std::strtod(tmp.c_str(), nullptr);
      if (std::isnan(v)) v = neg ? -0.0 : 0.0;
    } else if (res.ec != std::errc()) {
      error("invalid number");
      return {};
    }
    return Any::number(v);
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool read_hex4(uint32_t& out) {
    if (pos_ + 4 > s_.size()) {
      error("bad unicode escape");
      return false;
    }
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(s_[pos_ + i]);
      if (h < 0) {
        error("bad unicode escape");
        return false;
      }
      out = out * 16 + static_cast<uint32_t>(h);
    }
    pos_ += 4;
    return true;
  }
  void string(std::string& out) {
    ++pos_;  // opening quote
    std::u16string pending_units;  // escapes collected as UTF-16 to pair surrogates
    auto flush = [&] {
      if (!pending_units.empty()) {
        out += utf::utf16_to_wtf8(pending_units);
        pending_units.clear();
      }
    };
    while (true) {
      if (pos_ >= s_.size()) {
        error("unterminated string");
        return;
      }
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        flush();
        return;
      }
      if (c < 0x20) {
        error("control character in string");
        return;
      }
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) {
          error("unterminated string");
          return;
        }
        const char e = s_[pos_++];
        char16_t unit = 0;
        switch (e) {
          case '"': unit = u'"'; break;
          case '\\': unit = u'\\'; break;
          case '/': unit = u'/'; break;
          case 'b': unit = u'\b'; break;
          case 'f': unit = u'\f'; break;
          case 'n': unit = u'\n'; break;
          case 'r': unit = u'\r'; break;
          case 't': unit = u'\t'; break;
          case 'u': {
            uint32_t v = 0;
            if (!read_hex4(v)) return;
            unit = static_cast<char16_t>(v);
            break;
          }
          default:
            error("bad escape");
            return;
        }
        pending_units.push_back(unit);
        continue;
      }
      flush();
      out.push_back(static_cast<char>(c));
      ++pos_;
    }
  }
  Any array(int depth) {
    ++pos_;
    AnyArray arr;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Any::array(std::move(arr));
    }
    while (ok_) {
      skip_ws();
      arr.push_back(value(depth + 1));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return Any::array(std::move(arr));
      }
      error("expected , or ]");
    }
    return {};
  }
  Any object(int depth) {
    ++pos_;
    AnyObject obj;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Any::object(std::move(obj));
    }
    while (ok_) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') {
        error("expected string key");
        return {};
      }
      std::string key;
      string(key);
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') {
        error("expected :");
        return {};
      }
      ++pos_;
      skip_ws();
      Any v = value(depth + 1);
      obj.set(std::move(key), std::move(v));
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return Any::object(std::move(obj));
      }
      error("expected , or }");
    }
    return {};
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string msg_;
};

void json_quote(std::string_view s, std::string& out) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else if (c == 0xED && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0xA0) {
          // WTF-8 lone surrogate: JSON.stringify escapes it.
          const uint32_t cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                              (static_cast<unsigned char>(s[i + 2]) & 0x3F);
          out += "\\u";
          out.push_back(kHex[(cp >> 12) & 0xF]);
          out.push_back(kHex[(cp >> 8) & 0xF]);
          out.push_back(kHex[(cp >> 4) & 0xF]);
          out.push_back(kHex[cp & 0xF]);
          i += 2;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void stringify(const Any& a, std::string& out) {
  switch (a.kind()) {
    case Any::Kind::kUndefined:
    case Any::Kind::kNull:
      out += "null";
      break;
    case Any::Kind::kBool:
      out += a.as_bool() ? "true" : "false";
      break;
    case Any::Kind::kNumber:
      out += std::isfinite(a.as_number()) ? js_number_to_string(a.as_number()) : "null";
      break;
    case Any::Kind::kBigInt:
      out += std::to_string(a.as_bigint());
      break;
    case Any::Kind::kString:
      json_quote(a.as_string(), out);
      break;
    case Any::Kind::kBinary: {
      out.push_back('{');
      const auto& b = a.as_binary();
      for (size_t i = 0; i < b.size(); ++i) {
        if (i) out.push_back(',');
        out.push_back('"');
        out.append(std::to_string(i));
        out.append("\":");
        out.append(std::to_string(b[i]));
      }
      out.push_back('}');
      break;
    }
    case Any::Kind::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& v : a.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        stringify(v, out);
      }
      out.push_back(']');
      break;
    }
    case Any::Kind::kObject: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : a.as_object().entries()) {
        if (v.is_undefined()) continue;
        if (!first) out.push_back(',');
        first = false;
        json_quote(k, out);
        out.push_back(':');
        stringify(v, out);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

void AnyObject::set(std::string key, Any value) {
  for (auto& e : entries_) {
    if (e.first == key) {
      e.second = std::move(value);
      return;
    }
  }
  uint64_t idx = 0;
  if (array_index(key, idx)) {
    // Insert among the leading index keys, in ascending order.
    size_t pos = 0;
    uint64_t other = 0;
    while (pos < entries_.size() && array_index(entries_[pos].first, other) && other < idx) ++pos;
    entries_.insert(entries_.begin() + static_cast<ptrdiff_t>(pos), {std::move(key), std::move(value)});
    return;
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

const Any* AnyObject::find(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

Any Any::string(std::string s) {
  Any a;
  a.kind_ = Kind::kString;
  a.ptr_ = std::make_shared<const std::string>(std::move(s));
  return a;
}
Any Any::binary(Bytes b) {
  Any a;
  a.kind_ = Kind::kBinary;
  a.ptr_ = std::make_shared<const Bytes>(std::move(b));
  return a;
}
Any Any::array(AnyArray items) {
  Any a;
  a.kind_ = Kind::kArray;
  a.ptr_ = std::make_shared<const AnyArray>(std::move(items));
  return a;
}
Any Any::object(AnyObject obj) {
  Any a;
  a.kind_ = Kind::kObject;
  a.ptr_ = std::make_shared<const AnyObject>(std::move(obj));
  return a;
}

bool Any::strict_equals(const Any& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return bool_ == o.bool_;
    case Kind::kNumber:
      return num_ == o.num_;  // NaN !== NaN, +0 === -0, as in JavaScript
    case Kind::kBigInt:
      return big_ == o.big_;
    case Kind::kString:
      return as_string() == o.as_string();
    default:
      return ptr_ == o.ptr_;
  }
}

bool Any::deep_equals(const Any& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kNumber:
      return num_ == o.num_ || (std::isnan(num_) && std::isnan(o.num_));
    case Kind::kBinary:
      return as_binary() == o.as_binary();
    case Kind::kArray: {
      const auto& x = as_array();
      const auto& y = o.as_array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!x[i].deep_equals(y[i])) return false;
      }
      return true;
    }
    case Kind::kObject: {
      const auto& x = as_object();
      const auto& y = o.as_object();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x.entries()) {
        const Any* w = y.find(k);
        if (w == nullptr || !v.deep_equals(*w)) return false;
      }
      return true;
    }
    default:
      return strict_equals(o);
  }
}

std::string Any::to_json() const {
  if (kind_ == Kind::kUndefined) return "undefined";
  std::string out;
  stringify(*this, out);
  return out;
}

Result<Any> Any::from_json(std::string_view text) { return JsonParser(text).parse(); }

std::string Any::to_js_string() const {
  switch (kind_) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return bool_ ? "true" : "false";
    case Kind::kNumber:
      return js_number_to_string(num_);
    case Kind::kBigInt:
      return std::to_string(big_);
    case Kind::kString:
      return as_string();
    case Kind::kBinary: {
      std::string s;
      const auto& b = as_binary();
      for (size_t i = 0; i < b.size(); ++i) {
        if (i) s.push_back(',');
        s += std::to_string(b[i]);
      }
      return s;
    }
    case Kind::kArray: {
      std::string s;
      const auto& arr = as_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        if (i) s.push_back(',');
        if (!arr[i].is_undefined() && !arr[i].is_null()) s += arr[i].to_js_string();
      }
      return s;
    }
    case Kind::kObject:
      return "[object Object]";
  }
  return {};
}

std::string js_number_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (d == 0) return "0";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  std::string sign = d < 0 ? "-" : "";
  if (d < 0) d = -d;
  // Shortest round-trip digits in scientific form: "d.ddde±x".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;  // value = 0.digits × 10^n
  std::string out = sign;
  if (k <= n && n <= 21) {
    out.append(digits);
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-n), '0');
    out.append(digits);
  } else {
    const int e1 = n - 1;
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out.append(e1 < 0 ? "e-" : "e+");
    out.append(std::to_string(e1 < 0 ? -e1 : e1));
  }
  return out;
}

}  // namespace samenplan::crdt
