#include "common/files/file_names.h"

#include <gtest/gtest.h>

#include <string>

namespace govinspect::common {
namespace {

// A unit sheet's file is named by the unit's id, never by data: real names with '/', crafted
// names with "..", NUL and very long names all give a plain name inside the folder.
TEST(UnitSheetFileNameTest, IdsOnlyNeverAPathFromAName) {
  EXPECT_EQ(UnitSheetFileName("units/zs-wjj", 1), "zs-wjj.pdf");
  EXPECT_EQ(UnitSheetFileName("units/gd-440000-01", 7), "gd-440000-01.pdf");
  for (const std::string& bad :
       {std::string("units/中山市卫生健康局/中山市中医药局"), std::string("units/../../etc/cron.d/x"),
        std::string("units/.."), std::string("units/a/b"), std::string("units/a\0b", 9),
        std::string("units/") + std::string(300, 'a'), std::string("units/"), std::string("zs-wjj"),
        std::string("units/-x"), std::string("units/ZS"), std::string("")}) {
    const std::string name = UnitSheetFileName(bad, 3);
    EXPECT_EQ(name, "unit-3.pdf") << bad;
  }
}

}  // namespace
}  // namespace govinspect::common
