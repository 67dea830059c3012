#ifndef GOVINSPECT_COMMON_HTML_XPATH_H_
#define GOVINSPECT_COMMON_HTML_XPATH_H_

// XPath 1.0 through libxml2, for the per-site selectors of the registry (docs/registry.md,
// site_overrides.csv): compiled once, evaluated on parsed HTML documents with libxml2's errors
// captured (never printed to stderr) and the evaluation's work bounded.

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace govinspect::common {

struct XPathCompDeleter {
  void operator()(xmlXPathCompExprPtr comp) const;
};
struct XPathObjectDeleter {
  void operator()(xmlXPathObjectPtr obj) const;
};
using CompiledXPath = std::unique_ptr<xmlXPathCompExpr, XPathCompDeleter>;
using XPathObject = std::unique_ptr<xmlXPathObject, XPathObjectDeleter>;

// Compiles an XPath 1.0 expression with libxml2's compiler (xmlXPathCtxtCompile, the function
// behind xmlXPathCompile). INVALID_ARGUMENT for an empty expression, one holding a NUL byte or
// one that does not compile; the message gives libxml2's reason and the byte offset, e.g.
// `Invalid predicate at offset 6`. Unknown functions, variables and namespace prefixes are only
// found when the expression is evaluated.
absl::StatusOr<CompiledXPath> CompileXPath(absl::string_view expr);

// Evaluates compiled expressions on one document. Not thread-safe; one per thread and document.
class XPathEvaluator {
 public:
  // `op_limit` bounds the work of all evaluations through this evaluator together (libxml2's
  // opLimit: steps and nodes visited); 0 = no bound.
  XPathEvaluator(xmlDocPtr doc, unsigned long op_limit);
  ~XPathEvaluator();
  XPathEvaluator(const XPathEvaluator&) = delete;
  XPathEvaluator& operator=(const XPathEvaluator&) = delete;

  // Evaluates with `context` as the context node (the document node when null).
  // INVALID_ARGUMENT when evaluation fails (unknown function, undefined variable…);
  // RESOURCE_EXHAUSTED when the work bound is reached.
  absl::StatusOr<XPathObject> Eval(xmlXPathCompExprPtr expr, xmlNodePtr context);

 private:
  xmlDocPtr doc_;
  xmlXPathContextPtr ctxt_ = nullptr;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_HTML_XPATH_H_
