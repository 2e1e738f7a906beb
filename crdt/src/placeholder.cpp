namespace samenplan::crdt { int placeholder() { return 0; } }
