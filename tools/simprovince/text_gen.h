// Deterministic Chinese text for titles, bodies, names and numbers.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_TEXT_GEN_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_TEXT_GEN_H_

#include <cstdint>
#include <string>

#include "tools/simprovince/civil_date.h"
#include "tools/simprovince/model.h"

namespace govinspect::simprovince {

std::string ItemTitle(uint64_t h, Category c, const std::string& unit_short, Day date);
std::string Sentence(uint64_t h);
// A paragraph of roughly `chars` characters (3 bytes each in UTF-8).
std::string Paragraph(uint64_t h, int sentences);
std::string PersonName(uint64_t h);
std::string ServiceItemName(uint64_t h);
std::string MessageTitle(uint64_t h);
std::string SurveyTitle(uint64_t h, const std::string& unit_short);
// The feedback on the survey whose title SurveyTitle(h, unit_short) gives (same topic).
std::string SurveyFeedbackTitle(uint64_t h, const std::string& unit_short);
std::string DatasetTitle(uint64_t h, const std::string& unit_short);
std::string PostTitle(uint64_t h, const std::string& unit_short);

// GB 11643 check character for the first 17 digits.
char IdCheckChar(const std::string& first17);
// A full 18-digit ID number with a valid checksum and a plausible birth date.
std::string IdNumber(uint64_t h, const std::string& division4);
// 4420001990****2216 style (first 10, ****, last 4).
std::string MaskIdNumber(const std::string& id);
std::string MobileNumber(uint64_t h);
std::string MaskMobile(const std::string& m);  // 138****1234

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_TEXT_GEN_H_

namespace govinspect::simprovince {
// The sentence a content injection (expression error, sensitive word, abolished name) is
// planted in; the truth uses it as the excerpt.
std::string PlantedSentence(const Injection& in);
}  // namespace govinspect::simprovince
