// Catch2 test runner for glassbox-unit.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
