#include "services/report/render_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace govinspect::report {
namespace {

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageW = 210 * kMm, kPageH = 297 * kMm;
// GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
constexpr double kTop = 37 * kMm, kBottom = kPageH - 35 * kMm, kLeft = 28 * kMm,
                 kRight = kPageW - 26 * kMm;
constexpr double kWidth = kRight - kLeft;

constexpr const char* kSerif = "Noto Serif CJK SC";
constexpr const char* kSans = "Noto Sans CJK SC";

std::string Escape(const std::string& s) {
  gchar* e = g_markup_escape_text(s.data(), static_cast<gssize>(s.size()));
  std::string out(e);
  g_free(e);
  return out;
}

struct Font {
  const char* family;
  double size;
  bool bold = false;
};

class PdfWriter {
 public:
  explicit PdfWriter(const std::string& path, const std::string& title) {
    surface_ = cairo_pdf_surface_create(path.c_str(), kPageW, kPageH);
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "govinspect report");
    cr_ = cairo_create(surface_);
    y_ = kTop;
  }
  ~PdfWriter() {
    if (cr_ != nullptr) cairo_destroy(cr_);
    if (surface_ != nullptr) cairo_surface_destroy(surface_);
  }

  // A paragraph of markup. indent in ems of the font; align: PANGO_ALIGN_*.
  void Paragraph(const std::string& markup, Font font, double indent_em = 2,
                 PangoAlignment align = PANGO_ALIGN_LEFT, bool justify = true,
                 double space_after = 0, double right_pad = 0) {
    PangoLayout* layout = MakeLayout(font, kWidth - right_pad);
    pango_layout_set_indent(layout, static_cast<int>(indent_em * font.size * PANGO_SCALE));
    pango_layout_set_alignment(layout, align);
    pango_layout_set_justify(layout, justify);
    pango_layout_set_markup(layout, markup.c_str(), -1);
    DrawFlowing(layout, kLeft);
    g_object_unref(layout);
    y_ += space_after;
  }

  void Space(double pt) { y_ += pt; }

  void PageBreak() {
    if (y_ > kTop) NewPage();
  }

  // widths: relative column widths.
  void Table(const std::vector<double>& widths, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, double font_size = 10.5) {
    double total = 0;
    for (double w : widths) total += w;
    std::vector<double> cols;
    for (double w : widths) cols.push_back(kWidth * w / total);
    auto draw_row = [&](const std::vector<std::string>& cells, bool head) {
      const double pad = 3;
      std::vector<PangoLayout*> layouts;
      double h = 0;
      for (size_t i = 0; i < cols.size(); ++i) {
        PangoLayout* l = MakeLayout(Font{head ? kSans : kSerif, font_size}, cols[i] - 2 * pad);
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
        if (head) pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
        std::string text = i < cells.size() ? cells[i] : "";
        pango_layout_set_text(l, text.c_str(), -1);
        int lw, lh;
        pango_layout_get_size(l, &lw, &lh);
        h = std::max(h, lh / static_cast<double>(PANGO_SCALE) + 2 * pad);
        layouts.push_back(l);
      }
      if (y_ + h > kBottom && y_ > kTop) {
        NewPage();
        if (!head) draw_header_();
      }
      double x = kLeft;
      cairo_set_line_width(cr_, 0.5);
      for (size_t i = 0; i < cols.size(); ++i) {
        cairo_rectangle(cr_, x, y_, cols[i], h);
        cairo_stroke(cr_);
        cairo_move_to(cr_, x + pad, y_ + pad);
        pango_cairo_show_layout(cr_, layouts[i]);
        g_object_unref(layouts[i]);
        x += cols[i];
      }
      y_ += h;
    };
    draw_header_ = [&] { draw_row(header, true); };
    draw_header_();
    for (const auto& r : rows) draw_row(r, false);
    draw_header_ = [] {};
    y_ += 8;
  }

  absl::Status Finish() {
    PageNumber();
    cairo_show_page(cr_);
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    cairo_status_t st = cairo_surface_status(surface_);
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    if (st != CAIRO_STATUS_SUCCESS) {
      return absl::InternalError(absl::StrCat("cairo: ", cairo_status_to_string(st)));
    }
    return absl::OkStatus();
  }

 private:
  PangoLayout* MakeLayout(Font font, double width) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* desc = pango_font_description_new();
    pango_font_description_set_family(desc, font.family);
    pango_font_description_set_absolute_size(desc, font.size * PANGO_SCALE);
    if (font.bold) pango_font_description_set_weight(desc, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_line_spacing(layout, 1.2f);
    return layout;
  }

  // Draws a layout line by line from y_, continuing on a new page when a line does not fit.
  void DrawFlowing(PangoLayout* layout, double x) {
    PangoLayoutIter* it = pango_layout_get_iter(layout);
    double shift = y_;
    double bottom = y_;
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double top = logical.y / static_cast<double>(PANGO_SCALE);
      const double h = logical.height / static_cast<double>(PANGO_SCALE);
      const double baseline = pango_layout_iter_get_baseline(it) / static_cast<double>(PANGO_SCALE);
      if (shift + top + h > kBottom && shift + top > kTop) {
        NewPage();
        shift = kTop - top;
      }
      cairo_move_to(cr_, x + logical.x / static_cast<double>(PANGO_SCALE), shift + baseline);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      bottom = shift + top + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    y_ = bottom;
  }

  void PageNumber() {
    ++page_;
    PangoLayout* l = MakeLayout(Font{kSerif, 14}, kWidth);
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    std::string text = absl::StrCat("— ", page_, " —");
    pango_layout_set_text(l, text.c_str(), -1);
    cairo_move_to(cr_, kLeft, kPageH - 28 * kMm);
    pango_cairo_show_layout(cr_, l);
    g_object_unref(l);
  }

  void NewPage() {
    PageNumber();
    cairo_show_page(cr_);
    y_ = kTop;
  }

  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  double y_ = 0;
  int page_ = 0;
  std::function<void()> draw_header_ = [] {};
};

const Font kBody{kSerif, 16};
const Font kHeading{kSans, 16};
const Font kTitle{kSerif, 22, true};

std::string Lead(const std::string& lead) {
  if (lead.empty()) return "";
  return absl::StrCat("<span weight=\"bold\">", Escape(lead), "</span>");
}

}  // namespace

absl::Status WriteNoticePdf(const Notice& n, const std::string& path) {
  PdfWriter w(path, n.title);
  w.Paragraph(Escape(n.title), kTitle, 0, PANGO_ALIGN_CENTER, false, 28);
  w.Paragraph(Escape(n.addressee), kBody, 0);
  w.Paragraph(Escape(n.opening), kBody);
  for (const auto& s : n.sections) {
    w.Paragraph(Escape(s.heading), kHeading);
    for (const auto& p : s.paragraphs) w.Paragraph(Lead(p.lead) + Escape(p.text), kBody);
  }
  w.Space(16);
  w.Paragraph(Escape(n.annex_note), kBody);
  w.Space(40);
  w.Paragraph(Escape(n.office), kBody, 0, PANGO_ALIGN_RIGHT, false, 0, 4 * 16);
  w.Paragraph(Escape(n.report_date_cn), kBody, 0, PANGO_ALIGN_RIGHT, false, 0, 4 * 16);

  w.PageBreak();
  w.Paragraph("附件", kHeading, 0, PANGO_ALIGN_LEFT, false, 12);
  w.Paragraph(Escape(n.annex_title), Font{kSerif, 18, true}, 0, PANGO_ALIGN_CENTER, false, 4);
  w.Paragraph(Escape(n.annex_period), kBody, 0, PANGO_ALIGN_CENTER, false, 10);
  if (n.annex.empty()) {
    w.Paragraph("本次检查未发现存在突出问题的网站和政务新媒体。", kBody);
  } else {
    std::vector<std::vector<std::string>> rows;
    int i = 0;
    for (const auto& r : n.annex) {
      rows.push_back({absl::StrCat(++i), r.unit, r.target_name, r.problem, r.evidence_url});
    }
    w.Table({0.5, 1.3, 2.2, 2.6, 2.6}, {"序号", "单位", "网站/政务新媒体", "问题", "证据链接"},
            rows);
  }
  if (!n.not_assessed.empty()) {
    w.Paragraph("无法评估的对象（不计入合格率、达标率）", Font{kSans, 14}, 0, PANGO_ALIGN_CENTER,
                false, 6);
    std::vector<std::vector<std::string>> rows;
    int i = 0;
    for (const auto& r : n.not_assessed) {
      rows.push_back({absl::StrCat(++i), r.unit, r.target_name, "无法评估", r.reason});
    }
    w.Table({0.5, 1.3, 2.4, 1.0, 3.6}, {"序号", "单位", "对象", "结果", "原因"}, rows);
  }
  if (n.followup.has_value()) {
    const auto& f = *n.followup;
    w.Paragraph("“回头看”情况", Font{kSans, 14}, 0, PANGO_ALIGN_CENTER, false, 6);
    w.Paragraph(Escape(absl::StrCat("对照", f.previous_period, "：上次发现问题", f.previous_total,
                                    "个，已整改", f.fixed, "个，未整改", f.still, "个，无法核实",
                                    f.unverified, "个；本次新发现", f.added, "个。")),
                Font{kSerif, 12}, 2, PANGO_ALIGN_LEFT, true, 6);
  }
  return w.Finish();
}

absl::Status WriteUnitSheetPdf(const Notice& n, const UnitSheet& s, const std::string& path) {
  PdfWriter w(path, absl::StrCat("整改通知单 ", s.unit_name));
  w.Paragraph("政府网站与政务新媒体检查问题整改通知单", Font{kSerif, 20, true}, 0,
              PANGO_ALIGN_CENTER, false, 20);
  const Font body{kSerif, 14};
  w.Paragraph(Escape(absl::StrCat(s.unit_name, "：")), body, 0, PANGO_ALIGN_LEFT, false, 4);
  w.Paragraph(Escape(s.intro), body, 2, PANGO_ALIGN_LEFT, true, 10);
  if (!s.items.empty()) {
    bool followup = false;
    for (const auto& i : s.items) followup |= !i.followup.empty();
    std::vector<std::vector<std::string>> rows;
    int k = 0;
    for (const auto& i : s.items) {
      std::vector<std::string> r = {absl::StrCat(++k), i.target_name, i.problem, i.evidence, i.rule};
      if (followup) r.push_back(i.followup);
      rows.push_back(std::move(r));
    }
    if (followup) {
      w.Table({0.7, 1.6, 1.3, 3.1, 2.1, 1.2}, {"序号", "对象", "问题", "证据", "依据", "回头看"},
              rows, 9);
    } else {
      w.Table({0.7, 1.7, 1.4, 3.5, 2.3}, {"序号", "对象", "问题", "证据", "依据"}, rows, 9);
    }
  }
  if (!s.not_assessed.empty()) {
    w.Paragraph("以下对象本次无法评估（不计入合格率、达标率），请核实能否正常访问：", body, 2,
                PANGO_ALIGN_LEFT, true, 4);
    std::vector<std::vector<std::string>> rows;
    int k = 0;
    for (const auto& r : s.not_assessed) rows.push_back({absl::StrCat(++k), r.target_name, r.reason});
    w.Table({0.7, 2.5, 4.8}, {"序号", "对象", "原因"}, rows, 9);
  }
  w.Paragraph(Escape(absl::StrCat("整改期限：", s.deadline_cn, "前")), body, 0, PANGO_ALIGN_LEFT,
              false, 6);
  w.Paragraph("整改情况（由被通知单位填写）：", body, 0, PANGO_ALIGN_LEFT, false, 60);
  w.Paragraph("单位负责人（签字）：                    联系人及电话：", body, 0,
              PANGO_ALIGN_LEFT, false, 30);
  w.Paragraph(Escape(n.office), body, 0, PANGO_ALIGN_RIGHT, false, 0, 3 * 14);
  w.Paragraph(Escape(n.report_date_cn), body, 0, PANGO_ALIGN_RIGHT, false, 0, 3 * 14);
  return w.Finish();
}

}  // namespace govinspect::report
