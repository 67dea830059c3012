#include "services/report/render_xlsx.h"

#include <xlsxwriter.h>

#include <vector>

#include "absl/strings/str_cat.h"

namespace govinspect::report {
namespace {

struct Column {
  const char* header;
  double width;
};

class Sheet {
 public:
  Sheet(lxw_workbook* wb, const char* name, const std::vector<Column>& columns, lxw_format* head,
        lxw_format* wrap)
      : ws_(workbook_add_worksheet(wb, name)), columns_(columns.size()), wrap_(wrap) {
    for (size_t i = 0; i < columns.size(); ++i) {
      worksheet_set_column(ws_, i, i, columns[i].width, nullptr);
      worksheet_write_string(ws_, 0, i, columns[i].header, head);
    }
    worksheet_freeze_panes(ws_, 1, 0);
  }
  void Row(const std::vector<std::string>& cells) {
    ++row_;
    for (size_t i = 0; i < cells.size() && i < columns_; ++i) {
      if (!cells[i].empty()) worksheet_write_string(ws_, row_, i, cells[i].c_str(), wrap_);
    }
  }
  void Number(int col, double v) { worksheet_write_number(ws_, row_, col, v, nullptr); }
  ~Sheet() {
    worksheet_autofilter(ws_, 0, 0, row_, static_cast<lxw_col_t>(columns_ - 1));
  }

 private:
  lxw_worksheet* ws_;
  size_t columns_;
  lxw_format* wrap_;
  lxw_row_t row_ = 0;
};

const std::vector<Column> kFindingColumns = {
    {"单位", 14},     {"对象", 26},     {"对象标识", 22}, {"结果", 9},   {"问题类型", 18},
    {"问题类型代码", 22}, {"指标", 20}, {"依据", 36},     {"地址", 40},  {"所在页面", 40},
    {"内容", 20},     {"上下文", 30},   {"日期", 11},     {"说明", 24},  {"回头看", 11}};

}  // namespace

absl::Status WriteWorkbook(const Notice& n, const std::string& path) {
  lxw_workbook_options options = {};
  options.constant_memory = LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (wb == nullptr) return absl::InternalError(absl::StrCat("cannot create workbook ", path));
  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_bg_color(head, 0xD9E1F2);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_text_wrap(head);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

  {
    Sheet s(wb, "突出问题名单",
            {{"序号", 6}, {"单位", 14}, {"类型", 10}, {"网站/政务新媒体", 30}, {"问题", 40},
             {"证据链接", 50}},
            head, wrap);
    int i = 0;
    for (const auto& r : n.annex) {
      s.Row({"", r.unit, r.type_label, r.target_name, r.problem, r.evidence_url});
      s.Number(0, ++i);
    }
  }
  for (const char* kind : {"网站", "政务新媒体", "单位"}) {
    std::vector<Column> cols = kFindingColumns;
    if (!n.followup.has_value()) cols.pop_back();
    Sheet s(wb, kind, cols, head, wrap);
    for (const auto& r : n.findings) {
      const bool other = r.sheet != "网站" && r.sheet != "政务新媒体";
      if (r.sheet != kind && !(std::string(kind) == "单位" && other)) continue;
      s.Row({r.unit, r.target_name, r.target, r.verdict, r.kind_label, r.kind, r.indicator,
             r.rule, r.url, r.source_url, r.text, r.excerpt, r.date, r.detail, r.followup});
    }
  }
  {
    Sheet s(wb, "无法评估",
            {{"序号", 6}, {"单位", 14}, {"类型", 10}, {"对象", 30}, {"对象标识", 24}, {"原因", 60}},
            head, wrap);
    int i = 0;
    for (const auto& r : n.not_assessed) {
      s.Row({"", r.unit, r.type_label, r.target_name, r.target, r.reason});
      s.Number(0, ++i);
    }
  }
  if (n.followup.has_value()) {
    Sheet s(wb, "回头看",
            {{"整改情况", 10}, {"单位", 14}, {"对象", 28}, {"问题类型", 22}, {"问题标识", 50},
             {"地址", 40}, {"内容", 20}, {"说明", 24}},
            head, wrap);
    for (const auto& f : n.followup->items) {
      s.Row({FollowupStatusLabel(f.status), f.unit_name, f.target_name, f.kind_label, f.key.key,
             f.finding.url(), f.finding.text(), f.finding.detail()});
    }
  }
  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("xlsx ", path, ": ", lxw_strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace govinspect::report
