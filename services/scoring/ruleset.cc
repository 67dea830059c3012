#include "services/scoring/ruleset.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"
#include "common/text/utf8.h"
#include "services/scoring/finding_kinds.h"

namespace govinspect::scoring {
namespace {

namespace pb = ::google::protobuf;

struct Loc {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  int column = 0;
};

std::string Where(const Loc& loc) {
  if (loc.line <= 0) return absl::StrCat(loc.file, ":1");
  return absl::StrCat(loc.file, ":", loc.line, ":", loc.column);
}

// Where each indicator, rule and group of a resolved ruleset was last defined or changed.
struct Origins {
  Loc file;
  std::map<std::string, Loc> indicators;
  std::map<std::pair<std::string, std::string>, Loc> rules;
  std::map<std::string, Loc> groups;
};

struct ParsedFile {
  std::string file;
  v1::Ruleset ruleset;
  Origins origins;
};

class Collector : public pb::io::ErrorCollector {
 public:
  explicit Collector(std::string file) : file_(std::move(file)) {}
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    errors_.push_back(absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) override {
    errors_.push_back(absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message));
  }
  std::vector<std::string>& errors() { return errors_; }

 private:
  std::string file_;
  std::vector<std::string> errors_;
};

Loc LocOf(const std::string& file, const pb::TextFormat::ParseInfoTree* tree,
          const pb::FieldDescriptor* field, int index) {
  Loc loc{file, 0, 0};
  if (tree == nullptr) return loc;
  pb::TextFormat::ParseLocation l = tree->GetLocation(field, index);
  if (l.line >= 0) {
    loc.line = l.line + 1;
    loc.column = l.column + 1;
  }
  return loc;
}

std::string Stem(const std::string& file) {
  std::string base = file.substr(file.find_last_of('/') == std::string::npos
                                     ? 0
                                     : file.find_last_of('/') + 1);
  const size_t dot = base.find('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

// "file:line:column: not valid UTF-8" for the first byte that is not part of a well-formed UTF-8
// sequence, or OK. TextFormat does not check: a ruleset string with such bytes would make every
// message that carries it (scorecards, reports) fail to parse.
absl::Status CheckUtf8(const RulesetSource& source) {
  const std::string& t = source.text;
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < t.size();) {
    const size_t len = common::Utf8SequenceLength(t, i);
    if (len == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          source.file, ":", line, ":", i - line_start + 1,
          ": not valid UTF-8 (rulesets are UTF-8 text; saved as GBK?)"));
    }
    if (t[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
    i += len;
  }
  return absl::OkStatus();
}

absl::StatusOr<ParsedFile> ParseFile(const RulesetSource& source) {
  if (absl::Status utf8 = CheckUtf8(source); !utf8.ok()) return utf8;
  ParsedFile out;
  out.file = source.file;
  Collector collector(source.file);
  pb::TextFormat::ParseInfoTree tree;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(source.text, &out.ruleset) || !collector.errors().empty()) {
    if (collector.errors().empty()) collector.errors().push_back(source.file + ": cannot parse");
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors(), "\n"));
  }
  const pb::Descriptor* rd = v1::Ruleset::descriptor();
  const pb::FieldDescriptor* ind_fd = rd->FindFieldByName("indicators");
  const pb::FieldDescriptor* rules_fd = v1::Indicator::descriptor()->FindFieldByName("rules");
  const pb::FieldDescriptor* score_fd = rd->FindFieldByName("score");
  const pb::FieldDescriptor* groups_fd = v1::ScoreRule::descriptor()->FindFieldByName("groups");
  out.origins.file = LocOf(source.file, &tree, rd->FindFieldByName("name"), -1);
  if (out.origins.file.line == 0) out.origins.file = Loc{source.file, 1, 1};
  std::vector<std::string> errors;
  for (int i = 0; i < out.ruleset.indicators_size(); ++i) {
    const v1::Indicator& ind = out.ruleset.indicators(i);
    Loc loc = LocOf(source.file, &tree, ind_fd, i);
    if (out.origins.indicators.count(ind.id()) > 0) {
      errors.push_back(absl::StrCat(Where(loc), ": indicator \"", ind.id(),
                                    "\" defined twice (first at line ",
                                    out.origins.indicators[ind.id()].line, ")"));
    }
    out.origins.indicators[ind.id()] = loc;
    const pb::TextFormat::ParseInfoTree* nested = tree.GetTreeForNested(ind_fd, i);
    for (int j = 0; j < ind.rules_size(); ++j) {
      Loc rloc = LocOf(source.file, nested, rules_fd, j);
      auto key = std::make_pair(ind.id(), ind.rules(j).id());
      if (out.origins.rules.count(key) > 0) {
        errors.push_back(absl::StrCat(Where(rloc), ": indicator \"", ind.id(), "\": rule \"",
                                      ind.rules(j).id(), "\" defined twice"));
      }
      out.origins.rules[key] = rloc;
    }
  }
  const pb::TextFormat::ParseInfoTree* score_tree = tree.GetTreeForNested(score_fd, -1);
  for (int k = 0; k < out.ruleset.score().groups_size(); ++k) {
    const std::string& id = out.ruleset.score().groups(k).id();
    Loc gloc = LocOf(source.file, score_tree, groups_fd, k);
    if (out.origins.groups.count(id) > 0) {
      errors.push_back(absl::StrCat(Where(gloc), ": group \"", id, "\" defined twice"));
    }
    out.origins.groups[id] = gloc;
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return out;
}

// Field-by-field merge of `src` onto `dst`: set fields replace, singular messages recurse,
// repeated messages with an `id` field merge by id, other repeated fields replace as a whole.
void MergeById(const pb::Message& src, pb::Message* dst) {
  const pb::Reflection* sr = src.GetReflection();
  const pb::Reflection* dr = dst->GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  sr->ListFields(src, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    if (f->is_repeated()) {
      const pb::FieldDescriptor* id_fd =
          f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE
              ? f->message_type()->FindFieldByName("id")
              : nullptr;
      if (id_fd != nullptr && id_fd->type() == pb::FieldDescriptor::TYPE_STRING) {
        for (int i = 0; i < sr->FieldSize(src, f); ++i) {
          const pb::Message& item = sr->GetRepeatedMessage(src, f, i);
          const std::string id = item.GetReflection()->GetString(item, id_fd);
          pb::Message* target = nullptr;
          for (int j = 0; j < dr->FieldSize(*dst, f); ++j) {
            pb::Message* existing = dr->MutableRepeatedMessage(dst, f, j);
            if (existing->GetReflection()->GetString(*existing, id_fd) == id) target = existing;
          }
          if (target == nullptr) {
            dr->AddMessage(dst, f)->CopyFrom(item);
          } else {
            MergeById(item, target);
          }
        }
      } else {
        dr->ClearField(dst, f);
        for (int i = 0; i < sr->FieldSize(src, f); ++i) {
          switch (f->cpp_type()) {
            case pb::FieldDescriptor::CPPTYPE_MESSAGE:
              dr->AddMessage(dst, f)->CopyFrom(sr->GetRepeatedMessage(src, f, i));
              break;
            case pb::FieldDescriptor::CPPTYPE_STRING:
              dr->AddString(dst, f, sr->GetRepeatedString(src, f, i));
              break;
            case pb::FieldDescriptor::CPPTYPE_ENUM:
              dr->AddEnumValue(dst, f, sr->GetRepeatedEnumValue(src, f, i));
              break;
            case pb::FieldDescriptor::CPPTYPE_INT32:
              dr->AddInt32(dst, f, sr->GetRepeatedInt32(src, f, i));
              break;
            case pb::FieldDescriptor::CPPTYPE_DOUBLE:
              dr->AddDouble(dst, f, sr->GetRepeatedDouble(src, f, i));
              break;
            case pb::FieldDescriptor::CPPTYPE_BOOL:
              dr->AddBool(dst, f, sr->GetRepeatedBool(src, f, i));
              break;
            default: break;  // no other repeated types in ruleset.proto
          }
        }
      }
      continue;
    }
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        MergeById(sr->GetMessage(src, f), dr->MutableMessage(dst, f));
        break;
      case pb::FieldDescriptor::CPPTYPE_STRING: dr->SetString(dst, f, sr->GetString(src, f)); break;
      case pb::FieldDescriptor::CPPTYPE_ENUM: dr->SetEnumValue(dst, f, sr->GetEnumValue(src, f)); break;
      case pb::FieldDescriptor::CPPTYPE_INT32: dr->SetInt32(dst, f, sr->GetInt32(src, f)); break;
      case pb::FieldDescriptor::CPPTYPE_DOUBLE: dr->SetDouble(dst, f, sr->GetDouble(src, f)); break;
      case pb::FieldDescriptor::CPPTYPE_BOOL: dr->SetBool(dst, f, sr->GetBool(src, f)); break;
      default: break;
    }
  }
}

// Overlay `over` onto the resolved `base` (both with origins).
ParsedFile ApplyOverlay(const ParsedFile& base, const ParsedFile& over) {
  ParsedFile out = base;
  out.file = over.file;
  out.origins.file = over.origins.file;
  v1::Ruleset overlay = over.ruleset;
  // Removal first, then the by-id merge.
  for (const std::string& id : overlay.remove_indicators()) {
    auto* inds = out.ruleset.mutable_indicators();
    inds->erase(std::remove_if(inds->begin(), inds->end(),
                               [&](const v1::Indicator& i) { return i.id() == id; }),
                inds->end());
    out.origins.indicators.erase(id);
  }
  std::vector<std::string> sources(out.ruleset.sources().begin(), out.ruleset.sources().end());
  std::vector<std::string> extra(out.ruleset.extra_kinds().begin(),
                                 out.ruleset.extra_kinds().end());
  for (const std::string& s : overlay.sources()) {
    if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
  }
  for (const std::string& k : overlay.extra_kinds()) {
    if (std::find(extra.begin(), extra.end(), k) == extra.end()) extra.push_back(k);
  }
  overlay.clear_remove_indicators();
  overlay.clear_sources();
  overlay.clear_extra_kinds();
  MergeById(overlay, &out.ruleset);
  out.ruleset.clear_remove_indicators();
  out.ruleset.mutable_sources()->Assign(sources.begin(), sources.end());
  out.ruleset.mutable_extra_kinds()->Assign(extra.begin(), extra.end());
  for (const auto& [id, loc] : over.origins.indicators) out.origins.indicators[id] = loc;
  for (const auto& [key, loc] : over.origins.rules) out.origins.rules[key] = loc;
  for (const auto& [id, loc] : over.origins.groups) out.origins.groups[id] = loc;
  return out;
}

bool IsScoreKind(v1::IndicatorKind k) { return k == v1::DEDUCT || k == v1::BONUS; }

bool ValidWindow(const v1::Window& w) {
  return w.days() >= 0 && w.months() >= 0 && w.years() >= 0;
}

// Checks a resolved ruleset; appends "file:line: reason" errors.
void Validate(const ParsedFile& p, std::vector<std::string>* errors) {
  const v1::Ruleset& r = p.ruleset;
  auto err = [&](const Loc& loc, const std::string& what) {
    errors->push_back(absl::StrCat(Where(loc), ": ", what));
  };
  if (r.name().empty()) {
    err(p.origins.file, "name: required");
  } else if (r.name() != Stem(p.file)) {
    err(p.origins.file, absl::StrCat("name \"", r.name(), "\" must match the file name (\"",
                                     Stem(p.file), "\")"));
  }
  std::set<std::string> group_ids;
  const v1::ScoreRule& score = r.score();
  for (const v1::Group& g : score.groups()) {
    const Loc& loc = p.origins.groups.count(g.id()) ? p.origins.groups.at(g.id()) : p.origins.file;
    if (g.id().empty()) err(loc, "group: id required");
    if (g.name().empty()) err(loc, absl::StrCat("group \"", g.id(), "\": name required"));
    if (!g.has_weight() || g.weight() <= 0) {
      err(loc, absl::StrCat("group \"", g.id(), "\": weight must be > 0"));
    }
    group_ids.insert(g.id());
  }
  const double base = score.has_base() ? score.base() : 100;
  double skipped = 0;
  for (const v1::Group& g : score.groups()) {
    if (g.skip_without_public_service()) skipped += g.weight();
  }
  if (base <= 0) err(p.origins.file, "score.base must be > 0");
  if (skipped >= base) err(p.origins.file, "score: skipped groups weigh as much as the base");
  if (score.has_bonus_cap() && score.bonus_cap() < 0) err(p.origins.file, "score.bonus_cap < 0");
  if (r.indicators_size() == 0) err(p.origins.file, "no indicators");

  std::set<std::string> extra(r.extra_kinds().begin(), r.extra_kinds().end());
  for (const v1::Indicator& ind : r.indicators()) {
    const Loc loc = p.origins.indicators.count(ind.id()) ? p.origins.indicators.at(ind.id())
                                                         : p.origins.file;
    const std::string what = absl::StrCat("indicator \"", ind.id(), "\": ");
    if (ind.id().empty()) err(loc, "indicator: id required");
    if (ind.name().empty()) err(loc, what + "name (Chinese) required");
    if (ind.applies_to_size() == 0) err(loc, what + "applies_to required");
    for (int a : ind.applies_to()) {
      if (a == v1::APPLIES_TO_UNSPECIFIED) err(loc, what + "applies_to: APPLIES_TO_UNSPECIFIED");
    }
    if (ind.kind() == v1::INDICATOR_KIND_UNSPECIFIED) err(loc, what + "kind required");
    if (ind.source().empty()) err(loc, what + "source (citation) required");
    if (ind.rules_size() == 0) err(loc, what + "at least one rule required");
    if (IsScoreKind(ind.kind())) {
      if ((ind.kind() == v1::DEDUCT || !ind.group().empty()) && group_ids.count(ind.group()) == 0) {
        err(loc, absl::StrCat(what, "group \"", ind.group(), "\" is not one of score.groups"));
      }
      if (!ind.has_cap() || ind.cap() <= 0) err(loc, what + "cap must be > 0 for DEDUCT/BONUS");
    } else if (!ind.group().empty() || ind.has_cap()) {
      err(loc, what + "group and cap apply only to DEDUCT/BONUS indicators");
    }
    for (const v1::Rule& rule : ind.rules()) {
      auto rk = std::make_pair(ind.id(), rule.id());
      const Loc rloc = p.origins.rules.count(rk) ? p.origins.rules.at(rk) : loc;
      const std::string rw = absl::StrCat(what, "rule \"", rule.id(), "\": ");
      if (rule.id().empty()) err(rloc, what + "rule: id required");
      if (rule.description().empty()) err(rloc, rw + "description (Chinese) required");
      if (rule.match_size() == 0) err(rloc, rw + "match required");
      for (const v1::Match& m : rule.match()) {
        if (m.kinds_size() == 0) err(rloc, rw + "match.kinds required");
        for (const std::string& k : m.kinds()) {
          if (!IsKnownFindingKind(k) && extra.count(k) == 0) {
            err(rloc, absl::StrCat(rw, "unknown finding kind \"", k,
                                   "\" (docs/finding-kinds.md, or list it in extra_kinds)"));
          }
        }
        if (!ValidWindow(m.older_than()) || !ValidWindow(m.within())) {
          err(rloc, rw + "windows must not be negative");
        }
        if (m.has_on_home_page() && ind.applies_to_size() > 0 &&
            std::any_of(ind.applies_to().begin(), ind.applies_to().end(), [](int a) {
              return a == v1::APPLIES_TO_ACCOUNT || a == v1::APPLIES_TO_UNIT;
            })) {
          err(rloc, rw + "on_home_page applies only to site indicators");
        }
      }
      switch (rule.count_case()) {
        case v1::Rule::kAny:
          if (!rule.any()) err(rloc, rw + "any: must be true");
          break;
        case v1::Rule::kAtLeast:
          if (rule.at_least() < 1) err(rloc, rw + "at_least must be ≥ 1");
          break;
        case v1::Rule::kRatioAtLeast:
          if (rule.value_key().empty()) err(rloc, rw + "ratio_at_least needs value_key");
          if (!(rule.ratio_at_least() >= 0)) err(rloc, rw + "ratio_at_least must be ≥ 0");
          break;
        case v1::Rule::COUNT_NOT_SET:
          err(rloc, rw + "how to count is required (any, at_least or ratio_at_least)");
          break;
      }
      if (IsScoreKind(ind.kind())) {
        if (!rule.has_points() || rule.points() <= 0) err(rloc, rw + "points must be > 0");
        if (rule.has_per() && rule.per() < 1) err(rloc, rw + "per must be ≥ 1");
        if (rule.has_cap() && rule.cap() < 0) err(rloc, rw + "cap must be ≥ 0");
      } else if (rule.has_points() || rule.has_per() || rule.has_cap()) {
        err(rloc, rw + "points, per and cap apply only to DEDUCT/BONUS indicators");
      }
    }
  }
}

std::string DigestOf(const v1::Ruleset& r) {
  std::string bytes;
  pb::io::StringOutputStream stream(&bytes);
  {
    pb::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    r.SerializeToCodedStream(&coded);
  }
  return HexDigest(bytes);
}

}  // namespace

std::string HexDigest(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrFormat("%016x", h);
}

absl::StatusOr<RulesetCatalog> RulesetCatalog::FromSources(
    const std::vector<RulesetSource>& sources) {
  std::vector<std::string> errors;
  std::map<std::string, ParsedFile> parsed;  // by name
  for (const RulesetSource& s : sources) {
    absl::StatusOr<ParsedFile> p = ParseFile(s);
    if (!p.ok()) {
      errors.emplace_back(p.status().message());
      continue;
    }
    const std::string name = p->ruleset.name().empty() ? Stem(s.file) : p->ruleset.name();
    if (parsed.count(name) > 0) {
      errors.push_back(absl::StrCat(Where(p->origins.file), ": ruleset \"", name,
                                    "\" also defined in ", parsed[name].file));
      continue;
    }
    parsed[name] = *std::move(p);
  }
  // Resolve overlays (bases first; a chain is followed, cycles are errors).
  std::map<std::string, ParsedFile> resolved;
  std::set<std::string> failed;
  std::function<bool(const std::string&, std::vector<std::string>*)> resolve =
      [&](const std::string& name, std::vector<std::string>* chain) -> bool {
    if (resolved.count(name)) return true;
    if (failed.count(name)) return false;
    const ParsedFile& p = parsed.at(name);
    if (p.ruleset.base().empty()) {
      resolved[name] = p;
      return true;
    }
    const std::string& base = p.ruleset.base();
    if (std::find(chain->begin(), chain->end(), base) != chain->end() || base == name) {
      errors.push_back(absl::StrCat(Where(p.origins.file), ": base \"", base,
                                    "\" makes a cycle (", absl::StrJoin(*chain, " → "), ")"));
      failed.insert(name);
      return false;
    }
    if (parsed.count(base) == 0) {
      errors.push_back(absl::StrCat(Where(p.origins.file), ": base ruleset \"", base,
                                    "\" not found"));
      failed.insert(name);
      return false;
    }
    chain->push_back(name);
    const bool ok = resolve(base, chain);
    chain->pop_back();
    if (!ok) {
      failed.insert(name);
      return false;
    }
    resolved[name] = ApplyOverlay(resolved.at(base), p);
    return true;
  };
  RulesetCatalog catalog;
  for (const auto& [name, p] : parsed) {
    std::vector<std::string> chain;
    if (!resolve(name, &chain)) continue;
    ParsedFile& r = resolved.at(name);
    std::vector<std::string> own;
    Validate(r, &own);
    if (!own.empty()) {
      if (!p.ruleset.base().empty()) {
        for (std::string& e : own) absl::StrAppend(&e, " (after merging onto ", p.ruleset.base(), ")");
      }
      errors.insert(errors.end(), own.begin(), own.end());
      continue;
    }
    auto out = std::make_shared<ResolvedRuleset>();
    out->ruleset = r.ruleset;
    out->file = p.file;
    out->digest = DigestOf(r.ruleset);
    catalog.rulesets_[name] = std::move(out);
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return catalog;
}

absl::StatusOr<RulesetCatalog> RulesetCatalog::LoadDir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return absl::NotFoundError(absl::StrCat("rulesets directory ", dir, " not found"));
  std::vector<std::string> files;
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (absl::EndsWith(n, ".textproto")) files.push_back(absl::StrCat(dir, "/", n));
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no *.textproto ruleset in ", dir));
  }
  std::vector<RulesetSource> sources;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", f));
    std::stringstream ss;
    ss << in.rdbuf();
    sources.push_back({f, ss.str()});
  }
  return FromSources(sources);
}

std::shared_ptr<const ResolvedRuleset> RulesetCatalog::Find(const std::string& name) const {
  auto it = rulesets_.find(name);
  return it == rulesets_.end() ? nullptr : it->second;
}

std::vector<std::string> RulesetCatalog::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, r] : rulesets_) out.push_back(name);
  return out;
}

absl::StatusOr<ResolvedRuleset> ParseRuleset(const RulesetSource& source) {
  absl::StatusOr<RulesetCatalog> c = RulesetCatalog::FromSources({source});
  if (!c.ok()) return c.status();
  const std::vector<std::string> names = c->Names();
  if (names.size() != 1) return absl::InvalidArgumentError(source.file + ": no ruleset");
  auto r = c->Find(names[0]);
  if (!r->ruleset.base().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source.file, ": overlay of ", r->ruleset.base(),
                                                   " needs its base"));
  }
  return *r;
}

}  // namespace govinspect::scoring
