// The update encoders and decoders. Format v1 is implemented; the interface
// is the one Yjs' UpdateEncoderV1/V2 share, so that v2 can be added beside it.
#pragma once

#include <string>

#include "encoding.h"
#include "id.h"

namespace samenplan::crdt {

class UpdateEncoderV1;

class UpdateEncoder {
 public:
  virtual ~UpdateEncoder() = default;
  Encoder& rest() { return rest_; }
  // This encoder as format v1, or null: hot writers (Item::write) call the
  // v1 encoder directly, without a virtual call per field.
  UpdateEncoderV1* as_v1();
  virtual std::vector<uint8_t> finish() { return rest_.take(); }

  virtual void reset_ds_cur_val() {}
  virtual void write_ds_clock(uint64_t clock) = 0;
  virtual void write_ds_len(uint64_t len) = 0;
  virtual void write_left_id(ID id) = 0;
  virtual void write_right_id(ID id) = 0;
  virtual void write_client(uint64_t client) = 0;
  virtual void write_info(uint8_t info) = 0;
  virtual void write_string(std::string_view s) = 0;
  virtual void write_string_utf16(std::u16string_view s) = 0;
  virtual void write_parent_info(bool is_ykey) = 0;
  virtual void write_type_ref(uint8_t ref) = 0;
  virtual void write_len(uint64_t len) = 0;
  virtual void write_any(const Any& a) = 0;
  virtual void write_buf(std::span<const uint8_t> b) = 0;
  virtual void write_json(const Any& a) = 0;
  virtual void write_key(std::string_view key) = 0;

 protected:
  Encoder rest_;
  bool v1_ = false;
};

class UpdateEncoderV1 final : public UpdateEncoder {
 public:
  UpdateEncoderV1() { v1_ = true; }
  void write_ds_clock(uint64_t clock) override { rest_.write_var_uint(clock); }
  void write_ds_len(uint64_t len) override { rest_.write_var_uint(len); }
  void write_left_id(ID id) override {
    rest_.write_var_uint(id.client);
    rest_.write_var_uint(id.clock);
  }
  void write_right_id(ID id) override { write_left_id(id); }
  void write_client(uint64_t client) override { rest_.write_var_uint(client); }
  void write_info(uint8_t info) override { rest_.write_u8(info); }
  void write_string(std::string_view s) override { rest_.write_var_string(s); }
  void write_string_utf16(std::u16string_view s) override { rest_.write_var_string_utf16(s); }
  void write_parent_info(bool is_ykey) override { rest_.write_var_uint(is_ykey ? 1 : 0); }
  void write_type_ref(uint8_t ref) override { rest_.write_var_uint(ref); }
  void write_len(uint64_t len) override { rest_.write_var_uint(len); }
  void write_any(const Any& a) override { rest_.write_any(a); }
  void write_buf(std::span<const uint8_t> b) override { rest_.write_var_bytes(b); }
  void write_json(const Any& a) override { rest_.write_var_string(a.to_json()); }
  void write_key(std::string_view key) override { rest_.write_var_string(key); }
};

inline UpdateEncoderV1* UpdateEncoder::as_v1() {
  return v1_ ? static_cast<UpdateEncoderV1*>(this) : nullptr;
}

class UpdateDecoder {
 public:
  explicit UpdateDecoder(std::span<const uint8_t> data) : rest_(data) {}
  virtual ~UpdateDecoder() = default;
  Decoder& rest() { return rest_; }
  bool ok() const { return rest_.ok(); }

  virtual void reset_ds_cur_val() {}
  virtual uint64_t read_ds_clock() = 0;
  virtual uint64_t read_ds_len() = 0;
  virtual ID read_left_id() = 0;
  virtual ID read_right_id() = 0;
  virtual uint64_t read_client() = 0;
  virtual uint8_t read_info() = 0;
  virtual std::string read_string() = 0;
  virtual std::u16string read_string_utf16() = 0;
  virtual bool read_parent_info() = 0;
  virtual uint64_t read_type_ref() = 0;
  virtual uint64_t read_len() = 0;
  virtual Any read_any() = 0;
  virtual std::vector<uint8_t> read_buf() = 0;
  virtual Any read_json() = 0;
  virtual std::string read_key() = 0;

 protected:
  Decoder rest_;
};

class UpdateDecoderV1 final : public UpdateDecoder {
 public:
  using UpdateDecoder::UpdateDecoder;
  uint64_t read_ds_clock() override { return rest_.read_var_uint(); }
  uint64_t read_ds_len() override { return rest_.read_var_uint(); }
  ID read_left_id() override {
    const uint64_t client = rest_.read_var_uint();
    return ID{client, rest_.read_var_uint()};
  }
  ID read_right_id() override { return read_left_id(); }
  uint64_t read_client() override { return rest_.read_var_uint(); }
  uint8_t read_info() override { return rest_.read_u8(); }
  std::string read_string() override { return rest_.read_var_string(); }
  std::u16string read_string_utf16() override { return rest_.read_var_string_utf16(); }
  bool read_parent_info() override { return rest_.read_var_uint() == 1; }
  uint64_t read_type_ref() override { return rest_.read_var_uint(); }
  uint64_t read_len() override { return rest_.read_var_uint(); }
  Any read_any() override { return rest_.read_any(); }
  std::vector<uint8_t> read_buf() override { return rest_.read_var_bytes(); }
  Any read_json() override;
  std::string read_key() override { return rest_.read_var_string(); }
};

}  // namespace samenplan::crdt
