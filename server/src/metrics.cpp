#include "metrics.h"

namespace samenplan::server {

metrics& global_metrics() {
  static metrics m;
  return m;
}

}  // namespace samenplan::server
