// Catch2's main(), shared by all unit-test executables (link samenplan_catch_main).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
