# Compiler-wide settings for samenplan: language level, output layout, warnings,
# sanitizers and ccache. Included once from the root CMakeLists.txt.

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# Single-config generators (Ninja, Makefiles): default to Release.
get_property(_samenplan_multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
if(NOT _samenplan_multi_config AND NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
  set_property(CACHE CMAKE_BUILD_TYPE PROPERTY STRINGS Debug Release RelWithDebInfo MinSizeRel)
endif()

# Every executable lands in <build>/bin (build/bin/samenplan).
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

# Warning flags; every target applies them PRIVATE:
#   target_compile_options(<target> PRIVATE ${SAMENPLAN_WARNINGS})
# The build is expected to stay warning-free.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  set(SAMENPLAN_WARNINGS -Wall -Wextra -Wpedantic)
else()
  set(SAMENPLAN_WARNINGS)
endif()

if(SAMENPLAN_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "SAMENPLAN_SANITIZE needs GCC or Clang")
  endif()
  set(_samenplan_san -fsanitize=address,undefined -fno-omit-frame-pointer
                     -fno-sanitize-recover=undefined)
  add_compile_options(${_samenplan_san})
  add_link_options(-fsanitize=address,undefined)
  message(STATUS "samenplan: building with ASan + UBSan")
endif()

# Profile-guided optimisation (see the end of this file).
set(SAMENPLAN_PGO "off" CACHE STRING "Profile-guided optimisation: off, generate or use")
set_property(CACHE SAMENPLAN_PGO PROPERTY STRINGS off generate use)

# Not for PGO builds: an instrumented object from the cache need not match the
# counters of this build's training run (GCC then fails with coverage-mismatch).
find_program(SAMENPLAN_CCACHE ccache)
if(SAMENPLAN_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER AND SAMENPLAN_PGO STREQUAL "off")
  set(CMAKE_CXX_COMPILER_LAUNCHER ${SAMENPLAN_CCACHE})
  message(STATUS "samenplan: using ccache (${SAMENPLAN_CCACHE})")
endif()

# Fuzzing build (clang only; scripts/fuzz configures build-fuzz/ with it):
# coverage instrumentation for libFuzzer plus ASan/UBSan on all code.
option(SAMENPLAN_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(SAMENPLAN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SAMENPLAN_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Profile-guided optimisation (GCC; scripts/pgo-build drives it in build-pgo/):
#   SAMENPLAN_PGO=generate  instrument every target, counters go to SAMENPLAN_PGO_DIR
#   SAMENPLAN_PGO=use       optimise with those counters; code the training did not
#                           run keeps the plain -O3 treatment (-fprofile-partial-training)
set(SAMENPLAN_PGO_DIR "${CMAKE_BINARY_DIR}/pgo-profile" CACHE PATH "Where PGO counters go")
if(NOT SAMENPLAN_PGO STREQUAL "off")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "SAMENPLAN_PGO needs GCC")
  endif()
  if(SAMENPLAN_PGO STREQUAL "generate")
    add_compile_options(-fprofile-generate -fprofile-dir=${SAMENPLAN_PGO_DIR})
    add_link_options(-fprofile-generate)
  elseif(SAMENPLAN_PGO STREQUAL "use")
    add_compile_options(-fprofile-use -fprofile-dir=${SAMENPLAN_PGO_DIR}
                        -fprofile-partial-training -Wno-missing-profile)
  else()
    message(FATAL_ERROR "SAMENPLAN_PGO is off, generate or use, not '${SAMENPLAN_PGO}'")
  endif()
  message(STATUS "samenplan: PGO ${SAMENPLAN_PGO} (${SAMENPLAN_PGO_DIR})")
endif()
