#include "block.h"

#include "update_codec.h"
#include "utf.h"

namespace samenplan::crdt {

std::unique_ptr<Content> ContentDeleted::splice(uint64_t offset) {
  auto right = std::make_unique<ContentDeleted>(len - offset);
  len = offset;
  return right;
}

bool ContentDeleted::merge_with(Content& right) {
  len += static_cast<ContentDeleted&>(right).len;
  return true;
}

void ContentDeleted::write(UpdateEncoder& enc, uint64_t offset) const {
  enc.write_len(len - offset);
}

std::unique_ptr<Content> ContentValues::splice(uint64_t offset) {
  auto off = static_cast<ptrdiff_t>(offset);
  auto right =
      std::make_unique<ContentValues>(k, std::vector<Any>(values.begin() + off, values.end()));
  values.erase(values.begin() + off, values.end());
  return right;
}

bool ContentValues::merge_with(Content& right) {
  auto& r = static_cast<ContentValues&>(right);
  values.insert(values.end(), r.values.begin(), r.values.end());
  return true;
}

void ContentValues::write(UpdateEncoder& enc, uint64_t offset) const {
  enc.write_len(values.size() - offset);
  for (size_t i = offset; i < values.size(); ++i) {
    if (k == ContentKind::kAny) {
      enc.write_any(values[i]);
    } else {
      enc.write_string(values[i].to_json());  // "undefined" for undefined
    }
  }
}

void ContentValues::append_values(std::vector<Any>& out) const {
  out.insert(out.end(), values.begin(), values.end());
}

void ContentBinary::write(UpdateEncoder& enc, uint64_t) const { enc.write_buf(bytes.as_binary()); }

std::unique_ptr<Content> ContentString::splice(uint64_t offset) {
  auto right = std::make_unique<ContentString>(str.substr(offset));
  str.resize(offset);
  // A split surrogate pair becomes U+FFFD on both sides, as in Yjs.
  const char16_t last = str.empty() ? 0 : str.back();
  if (last >= 0xD800 && last <= 0xDBFF) {
    str.back() = 0xFFFD;
    if (!right->str.empty()) right->str[0] = 0xFFFD;
  }
  return right;
}

bool ContentString::merge_with(Content& right) {
  str += static_cast<ContentString&>(right).str;
  return true;
}

void ContentString::write(UpdateEncoder& enc, uint64_t offset) const {
  enc.write_string_utf16(offset == 0 ? std::u16string_view(str)
                                     : std::u16string_view(str).substr(offset));
}

void ContentString::append_values(std::vector<Any>& out) const {
  // getContent() splits into UTF-16 code units; a lone surrogate stays one unit.
  for (size_t i = 0; i < str.size(); ++i) {
    out.push_back(Any::string(utf::utf16_to_wtf8(std::u16string_view(str).substr(i, 1))));
  }
}

void ContentEmbed::write(UpdateEncoder& enc, uint64_t) const { enc.write_json(embed); }

void ContentFormat::write(UpdateEncoder& enc, uint64_t) const {
  enc.write_key(key);
  enc.write_json(value);
}

void ContentType::write(UpdateEncoder& enc, uint64_t) const {
  enc.write_type_ref(static_cast<uint8_t>(type->kind));
  if (type->kind == TypeKind::kXmlElement || type->kind == TypeKind::kXmlHook) {
    enc.write_key(type->name);
  }
}

void ContentDoc::write(UpdateEncoder& enc, uint64_t) const {
  enc.write_string(guid);
  enc.write_any(opts);
}

namespace {

// Item.write for encoder type Enc: UpdateEncoderV1 (calls bound at compile
// time) or UpdateEncoder (virtual calls). Strings and deleted content, the
// common kinds, are written here; the others by their Content::write.
template <class Enc>
void write_item(const Item& s, Enc& enc, uint64_t offset) {
  if (s.block == BlockKind::kGC) {
    enc.write_info(0);
    enc.write_len(s.length - offset);
    return;
  }
  if (s.block == BlockKind::kSkip) {
    enc.write_info(10);
    enc.rest().write_var_uint(s.length - offset);
    return;
  }
  const OptId o = offset > 0 ? OptId(ID{s.id.client, s.id.clock + offset - 1}) : s.origin;
  const uint8_t info_byte =
      static_cast<uint8_t>((static_cast<uint8_t>(s.content_kind) & 0x1F) | (o ? 0x80 : 0) |
                           (s.right_origin ? 0x40 : 0) | (s.has_parent_sub ? 0x20 : 0));
  enc.write_info(info_byte);
  if (o) enc.write_left_id(o.id);
  if (s.right_origin) enc.write_right_id(s.right_origin.id);
  if (!o && !s.right_origin) {
    if (s.parent != nullptr) {
      if (s.parent->item == nullptr) {
        enc.write_parent_info(true);
        enc.write_string(s.parent->root_name);
      } else {
        enc.write_parent_info(false);
        enc.write_left_id(s.parent->item->id);
      }
    } else if (s.parent_name) {
      enc.write_parent_info(true);
      enc.write_string(*s.parent_name);
    } else if (s.parent_id) {
      enc.write_parent_info(false);
      enc.write_left_id(s.parent_id.id);
    }
    if (s.has_parent_sub) enc.write_string(s.parent_sub);
  }
  switch (s.content_kind) {
    case ContentKind::kString: {
      const std::u16string_view str(static_cast<const ContentString&>(*s.content).str);
      enc.write_string_utf16(offset == 0 ? str : str.substr(offset));
      break;
    }
    case ContentKind::kDeleted:
      enc.write_len(static_cast<const ContentDeleted&>(*s.content).len - offset);
      break;
    default:
      s.content->write(enc, offset);
  }
}

}  // namespace

void Item::write(UpdateEncoder& enc, uint64_t offset) const {
  if (UpdateEncoderV1* v1 = enc.as_v1()) {
    write_item(*this, *v1, offset);
  } else {
    write_item(*this, enc, offset);
  }
}

}  // namespace samenplan::crdt
