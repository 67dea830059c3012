#ifndef GOVINSPECT_SERVICES_CRAWLER_COLUMN_CATEGORIES_H_
#define GOVINSPECT_SERVICES_CRAWLER_COLUMN_CATEGORIES_H_

// Column name → category by a keyword table (data/crawler/column-categories.txt, compiled in;
// another file can be loaded with --column_categories). The first line whose keyword the name
// contains wins.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/calendar/workday_calendar.h"

namespace govinspect::crawler {

class ColumnCategories {
 public:
  // Errors name `file_name` and the line (unknown category, no keyword).
  static absl::StatusOr<ColumnCategories> Parse(absl::string_view data,
                                                absl::string_view file_name = "column-categories.txt");
  static absl::StatusOr<ColumnCategories> LoadFile(const std::string& path);
  static const ColumnCategories& Default();

  // The category of a column name, "other" when no keyword matches.
  std::string Classify(absl::string_view name) const;
  // True for a known category id.
  static bool IsCategory(absl::string_view category);
  // Columns that must be updated (news … finance).
  static bool IsUpdating(absl::string_view category);
  // The oldest newest-item date a column of `category` may have at `as_of` (news 14 days;
  // notice, policy, interpretation 6 months; personnel, planning, finance 1 year).
  static absl::CivilDay StaleBefore(absl::string_view category, absl::CivilDay as_of);

 private:
  std::vector<std::pair<std::string, std::string>> keywords_;  // keyword → category, in order
};

using common::AddMonths;

}  // namespace govinspect::crawler

#endif  // GOVINSPECT_SERVICES_CRAWLER_COLUMN_CATEGORIES_H_
