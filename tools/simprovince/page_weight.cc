#include "tools/simprovince/page_weight.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/simprovince/rng.h"

namespace govinspect::simprovince {

absl::StatusOr<PageWeight> ParsePageWeight(absl::string_view name) {
  if (name == "light") return PageWeight::kLight;
  if (name == "heavy") return PageWeight::kHeavy;
  return absl::InvalidArgumentError(absl::StrCat("page weight \"", name, "\": expected light or heavy"));
}

const char* PageWeightId(PageWeight w) { return w == PageWeight::kHeavy ? "heavy" : "light"; }

const char* TemplatePrefix(CmsStyle s) {
  switch (s) {
    case CmsStyle::kTrs:
    case CmsStyle::kHashed: return "xl_";
    case CmsStyle::kHanweb: return "bt-";
    case CmsStyle::kIntensive: return "gd-";
    case CmsStyle::kEpoint:
    case CmsStyle::kJavaAction: return "ewb-";
    case CmsStyle::kPhpcms:
    case CmsStyle::kDedecms: return "cms_";
    case CmsStyle::kLegacyTable: return "t";
  }
  return "x";
}

namespace {

constexpr const char* kParts[] = {
    "header", "top",    "logo",   "nav",    "subnav", "menu",  "banner", "main",   "con",    "box",
    "list",   "news",   "notice", "tab",    "slide",  "pic",   "zt",     "search", "crumb",  "article",
    "content", "info",  "share",  "tool",   "page",   "float", "wza",    "footer", "foot",   "yqlj",
    "link",   "col",    "title",  "more",   "date",   "left",  "right",  "wrap",   "inner",  "block"};
constexpr const char* kSubs[] = {"",        " a",          " li",        " li a",      " li a:hover", " .hd",
                                 " .bd ul", " .bd li",     " span",      " h3",        " em",         ".on",
                                 " img",    " p",          " .tit",      " dl dd",     " dt",         ":after",
                                 " ul li.on a", " .prev", " .next",     " input",     " button",     " i"};
constexpr const char* kDecls[] = {
    "margin:0 auto",        "margin:0",
    "padding:0",            "padding:0 10px",
    "padding:8px 15px",     "font-size:12px",
    "font-size:14px",       "font-size:16px",
    "font-size:18px",       "font-weight:bold",
    "font-weight:normal",   "line-height:24px",
    "line-height:28px",     "line-height:36px",
    "color:#333",           "color:#666",
    "color:#999",           "color:#fff",
    "color:#0b4a9c",        "color:#c00",
    "background:#f5f5f5",   "background:#fff",
    "background-color:#0b4a9c", "background-color:#e8f0fa",
    "border:1px solid #ddd", "border-bottom:1px dashed #ccc",
    "border-top:3px solid #0b4a9c", "border:0",
    "overflow:hidden",      "text-overflow:ellipsis",
    "white-space:nowrap",   "float:left",
    "float:right",          "clear:both",
    "width:1200px",         "width:100%",
    "width:50%",            "width:280px",
    "height:40px",          "height:auto",
    "display:block",        "display:none",
    "display:inline-block", "position:relative",
    "position:absolute",    "top:0",
    "left:0",               "z-index:99",
    "text-align:center",    "text-align:right",
    "cursor:pointer",       "list-style:none",
    "text-decoration:none", "vertical-align:middle",
    "box-sizing:border-box", "transition:all .3s",
    "border-radius:4px",    "opacity:.85",
    "font-family:\"Microsoft YaHei\",\"SimSun\",Arial"};

constexpr const char* kReset =
    "html,body,div,span,h1,h2,h3,h4,h5,h6,p,a,em,img,strong,dl,dt,dd,ol,ul,li,form,label,table,tbody,tr,th,td,input,"
    "button,select,textarea{margin:0;padding:0;border:0;font-size:100%;vertical-align:baseline}\n"
    "body{font:12px/1.5 \"Microsoft YaHei\",\"SimSun\",Arial,sans-serif;color:#333;background:#fff}\n"
    "ul,ol,li{list-style:none}a{color:#333;text-decoration:none;outline:none}a:hover{color:#c00}\n"
    "table{border-collapse:collapse;border-spacing:0}img{border:0;vertical-align:middle}\n"
    ".clearfix:after{content:\".\";display:block;height:0;clear:both;visibility:hidden}.clearfix{zoom:1}\n"
    ".fl{float:left}.fr{float:right}.hide{display:none}.w1200{width:1200px;margin:0 auto}\n";

}  // namespace

std::string HeavyStyleSheet(CmsStyle style, uint64_t h, int rules) {
  const char* p = TemplatePrefix(style);
  std::string out = "<style type=\"text/css\">\n";
  out += kReset;
  constexpr int kPartCount = sizeof(kParts) / sizeof(kParts[0]);
  constexpr int kSubCount = sizeof(kSubs) / sizeof(kSubs[0]);
  constexpr int kDeclCount = sizeof(kDecls) / sizeof(kDecls[0]);
  for (int i = 0; i < rules; ++i) {
    const uint64_t x = Mix(h, static_cast<uint64_t>(i), 0x57f1e);
    if (i > 0 && i % 60 == 0) {
      // The responsive block of the template.
      absl::StrAppend(&out, "@media screen and (max-width:", 768 + (x % 4) * 128, "px){.", p, kParts[x % kPartCount],
                      "{width:100%;float:none}.", p, kParts[(x >> 8) % kPartCount], " li{width:50%}.", p,
                      kParts[(x >> 16) % kPartCount], " img{max-width:100%;height:auto}}\n");
      continue;
    }
    absl::StrAppend(&out, ".", p, kParts[x % kPartCount], (x >> 6) % 3 == 0 ? absl::StrCat("_", (x >> 10) % 20) : "",
                    kSubs[(x >> 16) % kSubCount], "{");
    const int decls = 2 + static_cast<int>((x >> 24) % 5);
    for (int d = 0; d < decls; ++d) {
      absl::StrAppend(&out, d ? ";" : "", kDecls[(x >> (28 + 5 * d)) % kDeclCount]);
    }
    out += "}\n";
  }
  out += "</style>\n";
  return out;
}

namespace {

// The template's helper functions: short minified-looking functions (no URLs, no navigation).
void AppendHelpers(std::string* out, const char* ns, uint64_t h, int bytes) {
  static const char* const kBodies[] = {
      "var c=a.length,d=0;for(;d<c;d++){if(a[d]===b){return d;}}return -1;",
      "if(!a||!b){return a;}for(var k in b){if(b.hasOwnProperty(k)){a[k]=b[k];}}return a;",
      "var e=document.getElementById(a);if(e){e.className=e.className.replace(/\\bon\\b/g,'')+(b?' on':'');}return e;",
      "var t=null;return function(){var s=this,r=arguments;clearTimeout(t);t=setTimeout(function(){a.apply(s,r);},b||200);};",
      "var n=parseInt(a,10);return isNaN(n)?(b||0):n;",
      "return String(a).replace(/^\\s+|\\s+$/g,'');",
      "var o=document.getElementsByTagName(a),r=[];for(var i=0;i<o.length;i++){if((' '+o[i].className+' ').indexOf(' '+b+' ')>-1){r.push(o[i]);}}return r;",
      "if(a.addEventListener){a.addEventListener(b,arguments[2],false);}else if(a.attachEvent){a.attachEvent('on'+b,arguments[2]);}",
      "var w=window.innerWidth||document.documentElement.clientWidth;return w<(a||768);",
      "var s=a.style;s.display=(s.display=='none')?'block':'none';return s.display;",
      "try{return window.localStorage?window.localStorage.getItem(a):b;}catch(x){return b;}",
      "var m=Math.max(0,Math.min(a,b));return m*(arguments[2]||1);"};
  constexpr int kCount = sizeof(kBodies) / sizeof(kBodies[0]);
  absl::StrAppend(out, "var ", ns, "=", ns, "||{};\n");
  const size_t start = out->size();
  for (int i = 0; out->size() - start < static_cast<size_t>(bytes); ++i) {
    const uint64_t x = Mix(h, static_cast<uint64_t>(i), 0x6a5);
    absl::StrAppend(out, ns, ".f", i, "_", x % 997, "=function(a,b){", kBodies[x % kCount], "};\n");
  }
}

}  // namespace

std::string HeavyHeadScripts(CmsStyle style, uint64_t h, int helper_bytes) {
  const char* p = TemplatePrefix(style);
  std::string out = "<script type=\"text/javascript\">\n";
  AppendHelpers(&out, style == CmsStyle::kHanweb ? "HW" : style == CmsStyle::kTrs || style == CmsStyle::kHashed ? "TRS" : "GOV",
                h, helper_bytes);
  out += "</script>\n<script type=\"text/javascript\">\n";
  // jQuery-plugin set-up: drop-down menus, the picture slider, tab blocks, font size.
  absl::StrAppend(&out, "$(function(){\n  $(\".", p, "nav li\").hover(function(){$(this).addClass(\"on\").find(\".", p,
                  "subnav\").stop(true,true).slideDown(", 150 + h % 100, ");},function(){$(this).removeClass(\"on\").find(\".", p,
                  "subnav\").stop(true,true).slideUp(", 100 + h % 100, ");});\n");
  absl::StrAppend(&out, "  if(jQuery.fn.slide){jQuery(\".", p,
                  "slide\").slide({titCell:\".hd ul\",mainCell:\".bd ul\",effect:\"leftLoop\",autoPlay:true,autoPage:true,interTime:",
                  3000 + (h >> 4) % 3000, ",delayTime:", 300 + (h >> 8) % 400, "});\n    jQuery(\".", p,
                  "tab\").slide({titCell:\".hd li\",mainCell:\".bd\",trigger:\"mouseover\",delayTime:0});\n    jQuery(\".", p,
                  "notice\").slide({mainCell:\".bd ul\",autoPlay:true,effect:\"topMarquee\",vis:", 4 + h % 4,
                  ",interTime:50});}\n");
  absl::StrAppend(&out, "  $(\".", p, "allnav-btn\").click(function(){$(\".", p, "allnav\").slideToggle(200);return false;});\n",
                  "  $(\".", p, "gotop\").click(function(){$(\"html,body\").animate({scrollTop:0},300);});\n",
                  "  $(window).scroll(function(){if($(window).scrollTop()>", 200 + h % 300, "){$(\".", p,
                  "gotop\").fadeIn();}else{$(\".", p, "gotop\").fadeOut();}});\n",
                  "  $(\".", p, "search input[type=text]\").focus(function(){$(this).addClass(\"focus\");}).blur(function(){$(this).removeClass(\"focus\");});\n",
                  "});\n");
  absl::StrAppend(&out, "function doZoom(size){var e=document.getElementById('zoom');if(e){e.style.fontSize=size+'px';",
                  "e.style.lineHeight=(size*1.8)+'px';}}\n",
                  "function switchFont(n){var s=[12,14,16,18];doZoom(s[n%4]);}\n</script>\n");
  // The accessibility / elder-mode toolbar's configuration.
  absl::StrAppend(&out, "<script type=\"text/javascript\">var ariaConfig={enable:true,position:\"top\",zoom:[1,1.2,1.5,2],",
                  "cursor:[\"default\",\"big\"],speech:{rate:", 1 + h % 3, ",volume:", 50 + h % 50,
                  "},colors:[\"#000\",\"#fff\",\"#ff0\",\"#00f\"],lineMode:true,readMode:true,guide:true,siteId:", h % 100000,
                  "};</script>\n");
  return out;
}

std::string HeavyTailScripts(CmsStyle style, uint64_t h) {
  std::string out;
  // Visit statistics (the statistics platform's snippet; its script is loaded by the snippet).
  absl::StrAppend(&out, "<script type=\"text/javascript\">\nvar _hmt=_hmt||[];\n(function(){\n  var hm=document.createElement(\"script\");\n",
                  "  hm.src=\"https://hm.baidu.com/hm.js?", absl::StrFormat("%016x%016x", Mix(h, 1), Mix(h, 2)), "\";\n",
                  "  var s=document.getElementsByTagName(\"script\")[0];\n  s.parentNode.insertBefore(hm,s);\n})();\n</script>\n");
  if (style == CmsStyle::kTrs || style == CmsStyle::kHashed || style == CmsStyle::kIntensive) {
    absl::StrAppend(&out, "<script type=\"text/javascript\">var _trsta={siteId:", h % 1000, ",channelId:", (h >> 10) % 100000,
                    ",docId:0,ref:document.referrer||\"\",ts:new Date().getTime()};(function(){var i=new Image(1,1);",
                    "i.src=\"//ta.trs.cn/c/js/ta.gif?\"+[\"s=\"+_trsta.siteId,\"c=\"+_trsta.channelId,\"t=\"+_trsta.ts].join(\"&\");})();</script>\n");
  }
  // The share widget.
  absl::StrAppend(&out, "<script type=\"text/javascript\">window._bd_share_config={\"common\":{\"bdSnsKey\":{},\"bdText\":\"\",",
                  "\"bdMini\":\"2\",\"bdMiniList\":false,\"bdPic\":\"\",\"bdStyle\":\"", h % 2, "\",\"bdSize\":\"", h % 2 ? 24 : 16,
                  "\"},\"share\":{}};with(document)0[(getElementsByTagName('head')[0]||body).appendChild(createElement('script')).src=",
                  "'http://bdimg.share.baidu.com/static/api/js/share.js?v=89860593.js?cdnversion='+~(-new Date()/36e5)];</script>\n");
  return out;
}

}  // namespace govinspect::simprovince
