#include "tools/simprovince/text_gen.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/simprovince/names.h"
#include "tools/simprovince/rng.h"

namespace govinspect::simprovince {
namespace {

template <size_t N>
const char* P(uint64_t h, int salt, const char* const (&a)[N]) {
  return a[Mix(h, static_cast<uint64_t>(salt)) % N];
}

const char* const kTopics[] = {
    "安全生产", "防汛防风", "疫情防控", "营商环境优化", "乡村振兴", "垃圾分类", "河长制", "森林防火",
    "扫黑除恶专项斗争", "文明城市创建", "政务公开", "“放管服”改革", "人居环境整治", "消防安全",
    "食品安全", "就业创业", "招商引资", "重点项目建设", "民生实事", "基层党建", "禁毒宣传",
    "质量强市", "数字政府建设", "老旧小区改造", "稳就业保市场主体", "污染防治攻坚", "创建卫生城市",
    "农村集体“三资”管理", "校园周边环境整治", "防范电信网络诈骗", "统计执法检查", "困难群众帮扶",
    "社会救助", "退役军人服务保障", "医疗保障待遇", "义务教育招生", "燃气安全", "道路交通安全"};
const char* const kMeetings[] = {"工作会议", "专题会议", "动员部署会", "推进会", "培训班", "座谈会",
                                 "现场会", "工作调研", "专项检查", "联合执法行动", "宣传活动"};
const char* const kActions[] = {"做好", "加强", "开展", "进一步规范", "印发", "组织申报", "征集",
                                "公布", "推进", "调整"};
const char* const kDocKinds[] = {"实施方案", "管理办法", "工作方案", "实施细则", "若干措施",
                                 "工作指引", "考核办法", "行动计划"};
const char* const kPersonnelKinds[] = {"干部任前公示", "公开招聘工作人员公告", "拟录用人员名单公示",
                                       "公开遴选公务员公告", "人事任免通知", "事业单位招聘成绩公布"};
const char* const kPlanningKinds[] = {"年度工作计划", "“十四五”规划编制工作方案", "年度工作要点",
                                      "专项规划（征求意见稿）", "上半年工作总结和下半年工作计划"};
const char* const kFinanceKinds[] = {"部门预算公开", "部门决算公开", "“三公”经费预算情况说明",
                                     "财政专项资金分配情况公示", "政府采购意向公开"};
const char* const kSubjects[] = {"我市", "我镇", "全区", "各相关单位", "各村（社区）", "有关企业",
                                 "工作人员", "执法人员", "志愿者", "党员干部"};
const char* const kVerbs[] = {"深入贯彻落实", "认真组织开展", "全面推进", "持续加强", "扎实做好",
                              "统筹推进", "积极落实", "切实抓好"};
const char* const kObjects[] = {"各项工作部署", "相关政策要求", "重点任务", "日常监督检查",
                                "宣传教育工作", "问题整改", "服务保障工作", "风险隐患排查",
                                "信息公开工作", "群众反映的热点问题"};
const char* const kTails[] = {"取得了阶段性成效", "确保各项措施落到实处", "进一步提升了群众满意度",
                              "为经济社会发展提供了有力保障", "形成了长效工作机制",
                              "切实增强了群众的获得感", "做到早发现、早报告、早处置",
                              "营造了良好的社会氛围"};
const char* const kServiceItems[] = {
    "个体工商户设立登记", "建设工程规划许可证核发", "最低生活保障对象认定", "居民身份证换领",
    "社会保障卡申领", "食品经营许可", "城镇职工基本养老保险关系转移", "临时救助申请",
    "残疾人两项补贴申请", "公共场所卫生许可", "户外广告设置许可", "建筑工程施工许可证核发",
    "高龄老人津贴申领", "义务教育阶段学生转学", "二手房交易登记", "机动车驾驶证换证",
    "就业困难人员认定", "农村宅基地使用审批", "养犬登记", "医疗费用报销"};
const char* const kMessageTopics[] = {
    "小区门口道路积水问题", "孩子入学积分如何计算", "社保卡补办需要哪些材料", "工地夜间施工噪音扰民",
    "公交站台何时恢复使用", "人才补贴申请进度咨询", "路灯损坏长期未修复", "营业执照变更办理流程",
    "老旧小区加装电梯政策", "农贸市场周边乱摆卖", "医保异地就医备案", "公积金提取条件咨询",
    "垃圾中转站异味严重", "学校周边交通安全隐患", "租房补贴申请条件", "企业开办时间咨询"};
const char* const kSurveyTopics[] = {"养老服务设施布局规划", "城市更新专项规划", "公共交通线路优化",
                                     "全民健身设施建设", "政府网站改版", "年度民生实事项目",
                                     "生活垃圾分类管理办法", "停车收费管理办法", "农村人居环境整治方案",
                                     "优化营商环境若干措施"};
const char* const kDatasetTopics[] = {"行政许可信息", "行政处罚信息", "企业登记信息", "公共厕所分布",
                                      "停车场信息", "学校名录", "医疗机构名录", "道路运输企业",
                                      "文物保护单位", "公交站点", "环境监测数据", "气象观测数据",
                                      "政务服务事项目录", "社会组织名录", "养老机构名录",
                                      "体育场馆信息"};

}  // namespace

std::string ItemTitle(uint64_t h, Category c, const std::string& unit, Day date) {
  const int year = YmdFromDay(date).year;
  switch (c) {
    case Category::kNews:
      switch (h % 4) {
        case 0: return absl::StrCat(unit, "召开", P(h, 1, kTopics), P(h, 2, kMeetings));
        case 1: return absl::StrCat(unit, P(h, 3, kVerbs), P(h, 1, kTopics), "工作");
        case 2: return absl::StrCat(unit, "开展", P(h, 1, kTopics), P(h, 2, kMeetings));
        default: return absl::StrCat(P(h, 1, kTopics), "：", unit, P(h, 4, kObjects), P(h, 5, kTails));
      }
    case Category::kNotice:
      return absl::StrCat("关于", P(h, 6, kActions), year, "年", P(h, 1, kTopics), "工作的通知");
    case Category::kPolicy:
      return absl::StrCat(unit, "关于印发", P(h, 1, kTopics), P(h, 7, kDocKinds), "的通知");
    case Category::kInterpretation:
      return absl::StrCat("《", P(h, 1, kTopics), P(h, 7, kDocKinds), "》政策解读");
    case Category::kPersonnel: return absl::StrCat(unit, year, "年", P(h, 8, kPersonnelKinds));
    case Category::kPlanning: return absl::StrCat(unit, year, "年", P(h, 9, kPlanningKinds));
    case Category::kFinance: return absl::StrCat(unit, year, "年", P(h, 10, kFinanceKinds));
    case Category::kFeedback:
      return absl::StrCat("关于《", P(h, 11, kSurveyTopics), "》征求意见采纳情况的反馈");
    default: return absl::StrCat(unit, P(h, 1, kTopics), "信息");
  }
}

std::string Sentence(uint64_t h) {
  return absl::StrCat(P(h, 20, kSubjects), P(h, 21, kVerbs), P(h, 22, kTopics), P(h, 23, kObjects), "，",
                      P(h, 24, kTails), "。");
}

std::string Paragraph(uint64_t h, int sentences) {
  std::string out;
  for (int i = 0; i < sentences; ++i) out += Sentence(Mix(h, static_cast<uint64_t>(i) + 100));
  return out;
}

std::string PersonName(uint64_t h) {
  const auto& s = Surnames();
  const auto& g = GivenNameChars();
  std::string name = s[h % s.size()];
  name += g[(h >> 8) % g.size()];
  if ((h >> 16) % 3 != 0) name += g[(h >> 24) % g.size()];
  return name;
}

std::string ServiceItemName(uint64_t h) { return P(h, 30, kServiceItems); }
std::string MessageTitle(uint64_t h) { return P(h, 31, kMessageTopics); }
std::string SurveyTitle(uint64_t h, const std::string& unit) {
  return absl::StrCat("关于", unit, P(h, 32, kSurveyTopics), "公开征求意见的公告");
}
std::string SurveyFeedbackTitle(uint64_t h, const std::string& unit) {
  return absl::StrCat("关于", unit, P(h, 32, kSurveyTopics), "公开征求意见采纳情况的反馈");
}
std::string DatasetTitle(uint64_t h, const std::string& unit) {
  return absl::StrCat(unit, P(h, 33, kDatasetTopics));
}
std::string PostTitle(uint64_t h, const std::string& unit) {
  switch (h % 3) {
    case 0: return absl::StrCat(unit, "：", P(h, 34, kTopics), "，这些要点请收好");
    case 1: return absl::StrCat("【提醒】", P(h, 34, kTopics), "工作最新进展");
    default: return absl::StrCat(unit, P(h, 35, kVerbs), P(h, 34, kTopics), "工作");
  }
}

char IdCheckChar(const std::string& first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

std::string IdNumber(uint64_t h, const std::string& division4) {
  Rng rng(h);
  Day birth = DayFromYmd(1950, 1, 1) + static_cast<Day>(rng.Below(DayFromYmd(2002, 12, 31) - DayFromYmd(1950, 1, 1)));
  std::string first17 = absl::StrFormat("%s%02d%s%03d", division4, static_cast<int>(rng.Range(1, 30)),
                                        FormatCompact(birth), static_cast<int>(rng.Range(1, 999)));
  return first17 + IdCheckChar(first17);
}

std::string MaskIdNumber(const std::string& id) { return id.substr(0, 10) + "****" + id.substr(14); }

std::string MobileNumber(uint64_t h) {
  static const char* kPrefixes[] = {"134", "135", "136", "137", "138", "139", "150", "151", "152", "157",
                                    "158", "159", "186", "187", "188", "130", "131", "132", "155", "156",
                                    "133", "153", "180", "189", "177", "199"};
  Rng rng(h);
  return absl::StrFormat("%s%08d", kPrefixes[rng.Below(26)], static_cast<int>(rng.Below(100000000)));
}

std::string MaskMobile(const std::string& m) { return m.substr(0, 3) + "****" + m.substr(7); }

}  // namespace govinspect::simprovince

namespace govinspect::simprovince {
std::string PlantedSentence(const Injection& in) {
  switch (in.kind) {
    case InjectKind::kExpressionError:
      return absl::StrCat("会议强调，要", in.text, "，切实把各项工作落到实处。");
    case InjectKind::kSensitiveWord:
      return absl::StrCat("详情请咨询", in.text, "，联系QQ：", 100000 + HashString(in.text) % 900000, "。");
    case InjectKind::kAbolishedName:
    case InjectKind::kAbolishedNameTrap: {
      const std::string place = in.place.empty() ? "市" : in.place;
      switch (HashString(in.text) % 3) {
        case 0: return absl::StrCat("本次工作由", place, in.text, "牵头，各有关单位配合实施。");
        case 1: return absl::StrCat("经", place, in.text, "审核同意，现予以公布。");
        default: return absl::StrCat("抄送：", place, in.text, "、", place, "财政局。");
      }
    }
    default:
      return in.text;
  }
}
}  // namespace govinspect::simprovince
