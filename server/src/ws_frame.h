// RFC 6455 framing on the server side, as pure functions over bytes (no
// sockets, no Beast): an incremental reader of client frames, and the header
// of the server's (unmasked, unfragmented) frames.
//
// Why our own and not Beast's websocket::stream: every idle connection of a
// Beast stream holds ~2.6 KB (a fixed 1.5 KB read buffer among it) plus a
// pending read with its buffer and a ping timer; and a stream writes one
// message per async_write. The session built on this (ws_session) waits for
// data with a 16-byte read, parses from one buffer per thread, and writes
// many queued frames with one sendmsg; the header of a server frame depends
// only on the payload's size, so one encoded message serves every receiver.
//
// Thread-safety: a frame_reader is used by one connection at a time; the
// free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace samenplan::server::ws {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// The longest header of a server frame: 2 bytes + a 64-bit length (no mask).
inline constexpr std::size_t kMaxServerHeader = 10;
// Control frames carry at most 125 bytes (RFC 6455 5.5).
inline constexpr std::size_t kMaxControlPayload = 125;

// Length of the header of a final, unmasked frame with `payload_size` bytes.
std::size_t header_size(std::uint64_t payload_size);
// Writes that header to `out` (room for kMaxServerHeader bytes); returns its length.
std::size_t write_header(std::uint8_t* out, opcode op, std::uint64_t payload_size);

// Whether [data, data + size) is well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), as RFC 6455 8.1 requires of text.
bool valid_utf8(const std::uint8_t* data, std::size_t size);

// Whether a peer may send `code` in a close frame (RFC 6455 7.4: 1000-1003,
// 1007-1014, 3000-4999; not 1004-1006, 1015 or unassigned ones).
bool valid_close_code(std::uint16_t code);

// The payload of a close frame: the code (big-endian) and the reason, cut to
// fit a control frame (at most 123 bytes, never inside a UTF-8 character).
std::vector<std::uint8_t> close_payload(std::uint16_t code, std::string_view reason);

// Reads the frames a client sends, from bytes as they arrive (any split),
// and assembles fragmented messages. Enforces the rules of RFC 6455 5 for a
// server: frames must be masked, no reserved bits (no extension is ever
// negotiated), known opcodes, control frames final and ≤ 125 bytes, lengths
// in their shortest form, continuations only inside a message, text and
// close reasons valid UTF-8, and a message no larger than the limit (checked
// from each frame header, before its payload is read).
//
// Memory: a partial message's bytes so far (at most max_message_bytes), and
// nothing between messages once its payload has been taken.
class frame_reader {
 public:
  enum class event {
    none,     // all input used, nothing complete
    message,  // a whole data message: take_payload(), is_text()
    ping,     // take_payload()
    pong,     // take_payload()
    close,    // close_code(), close_reason()
    error,    // error_code(), error_reason(); every later call returns error too
  };

  explicit frame_reader(std::size_t max_message_bytes) : max_message_(max_message_bytes) {}

  // Consumes bytes of [data, data + size) until an event completes or the
  // input ends; `used` says how many it consumed (call again with the rest).
  event consume(const std::uint8_t* data, std::size_t size, std::size_t& used);

  // After `message`, `ping` or `pong`: the unmasked payload (moved out).
  std::vector<std::uint8_t> take_payload();
  // After `message`: whether it was a text message.
  bool is_text() const { return message_op_ == opcode::text; }

  // After `close`: the peer's code (1005 when its close frame had none) and reason.
  std::uint16_t close_code() const { return close_code_; }
  const std::string& close_reason() const { return close_reason_; }

  // After `error`: the close code to answer with (1002 protocol error, 1007
  // invalid UTF-8, 1009 too big) and a short description.
  std::uint16_t error_code() const { return error_code_; }
  const char* error_reason() const { return error_reason_; }

  // Whether an error ended the stream.
  bool failed() const { return failed_; }

  // Whether no frame or message is partly read.
  bool idle() const { return !in_payload_ && header_have_ == 0 && !in_message_; }

 private:
  event fail(std::uint16_t code, const char* reason);
  event on_header();
  event on_frame_done();

  std::size_t max_message_;
  std::uint8_t header_[14] = {};
  std::uint8_t header_have_ = 0;
  std::uint8_t header_need_ = 2;
  std::uint8_t mask_[4] = {};
  std::uint8_t mask_pos_ = 0;
  opcode frame_op_ = opcode::binary;
  opcode message_op_ = opcode::binary;
  bool frame_fin_ = false;
  bool in_payload_ = false;
  bool in_message_ = false;
  bool failed_ = false;
  std::uint16_t close_code_ = 0;
  std::uint16_t error_code_ = 0;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  const char* error_reason_ = "";
  std::vector<std::uint8_t> message_;  // the data message being assembled
  std::vector<std::uint8_t> control_;  // the control frame being read
  std::string close_reason_;
};

}  // namespace samenplan::server::ws
