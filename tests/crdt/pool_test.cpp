#include "pool.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using namespace samenplan::crdt;

namespace {
struct Block {
  SAMENPLAN_CRDT_POOLED(Block)
  char bytes[48];
};
}  // namespace

TEST_CASE("BlockPool hands out usable, distinct blocks and takes them back", "[pool]") {
  std::vector<Block*> blocks;
  for (int i = 0; i < 10000; ++i) {
    blocks.push_back(new Block());
    blocks.back()->bytes[0] = static_cast<char>(i);
  }
  for (size_t i = 0; i < blocks.size(); ++i) CHECK(blocks[i]->bytes[0] == static_cast<char>(i));
  for (Block* b : blocks) delete b;
  // Blocks come back from the free list (at most kMaxFree are kept).
  std::vector<Block*> again;
  for (int i = 0; i < 100; ++i) again.push_back(new Block());
  for (size_t i = 1; i < again.size(); ++i) CHECK(again[i] != again[i - 1]);
  for (Block* b : again) delete b;
}

TEST_CASE("BlockPool: blocks freed on another thread, and threads that exit", "[pool]") {
  std::vector<Block*> blocks;
  for (int i = 0; i < 1000; ++i) blocks.push_back(new Block());
  std::thread t([&] {
    for (Block* b : blocks) delete b;
    Block* b = new Block();
    delete b;
  });
  t.join();
  Block* b = new Block();
  b->bytes[0] = 'x';
  CHECK(b->bytes[0] == 'x');
  delete b;
}
