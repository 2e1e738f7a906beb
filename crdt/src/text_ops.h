// Rich-text operations on Text / XmlText (text_ops.cpp), a port of YText.js.
#pragma once

#include <cstdint>
#include <string>

#include "doc_state.h"

namespace samenplan::crdt {

// `attrs` null: inherit the formatting at the position (as Y.Text.insert
// without attributes does).
void text_insert(TransactionState& txn, Branch* text, uint64_t index, std::u16string str,
                 const AnyObject* attrs);
void text_insert_embed(TransactionState& txn, Branch* text, uint64_t index, Any embed,
                       const AnyObject* attrs);
void text_insert_type(TransactionState& txn, Branch* text, uint64_t index,
                      std::unique_ptr<Branch> type, const AnyObject* attrs);
void text_delete(TransactionState& txn, Branch* text, uint64_t index, uint64_t length);
void text_format(TransactionState& txn, Branch* text, uint64_t index, uint64_t length,
                 const AnyObject& attrs);
std::u16string text_to_string(const Branch* text);
// Quill delta: [{insert, attributes?}], as Y.Text.toDelta() (no snapshots).
Any text_to_delta(const Branch* text);
// XmlText.toString(): formatting attributes rendered as nested tags.
std::string xml_text_to_string(const Branch* text);

// Transaction clean-up after remote changes to formatted text
// (cleanupYTextAfterTransaction).
void cleanup_text_after_transaction(TransactionState& txn);

}  // namespace samenplan::crdt
