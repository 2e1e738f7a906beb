// The one translation unit that compiles Boost.Beast and Boost.Asio.
// Everything else sees only their declarations because samenplan_server defines
// BOOST_BEAST_SEPARATE_COMPILATION and BOOST_ASIO_SEPARATE_COMPILATION publicly.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
