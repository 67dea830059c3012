#include "services/crawler/site_crawler.h"

#include <gtest/gtest.h>

namespace govinspect::crawler {
namespace {

TEST(SiteCrawlerTest, ClassifiesTargets) {
  EXPECT_EQ(ClassifyTarget("http://x/a.html", false), TargetKind::kPage);
  EXPECT_EQ(ClassifyTarget("http://x/News_showGkmlNews.action?messagekey=189769", false), TargetKind::kPage);
  EXPECT_EQ(ClassifyTarget("http://x/P020200722.PDF", false), TargetKind::kAttachment);
  EXPECT_EQ(ClassifyTarget("http://x/a.wps", false), TargetKind::kAttachment);
  EXPECT_EQ(ClassifyTarget("http://x/a.ofd", false), TargetKind::kAttachment);
  EXPECT_EQ(ClassifyTarget("http://x/W0.jpg", false), TargetKind::kImage);
  EXPECT_EQ(ClassifyTarget("http://x/img.action?id=1", true), TargetKind::kImage);
  EXPECT_EQ(ClassifyTarget("http://x/s.css", false), TargetKind::kResource);
  EXPECT_EQ(ClassifyTarget("http://x/dir.v2/", false), TargetKind::kPage);
}

TEST(SiteCrawlerTest, TrapGuards) {
  CrawlOptions o;
  EXPECT_TRUE(LooksLikeTrap("http://x/a/b/a/b/a/b/c.html", o));
  EXPECT_FALSE(LooksLikeTrap("http://x/xxgk/tzgg/202007/t20200722_1.html", o));
  EXPECT_TRUE(LooksLikeTrap("http://x/" + std::string(600, 'a'), o));
  EXPECT_EQ(CalendarPattern("/__calendar/2020-06"), "/__calendar/#");
  EXPECT_EQ(CalendarPattern("/cal?year=2020&month=6&view=m"), "/cal?year=#&month=#&view=m&");
  EXPECT_EQ(CalendarPattern("/xxgk/tzgg/202007/t20200722_123456.html"), "");
  EXPECT_EQ(CalendarPattern("/News_showGkmlNews.action?messagekey=189769"), "");
  EXPECT_EQ(CalendarPattern("/site/tpl/2801?organId=6608621"), "");
  EXPECT_EQ(CalendarPattern("/News_list.action?catid=12&pageNum=2"), "");
}

}  // namespace
}  // namespace govinspect::crawler
