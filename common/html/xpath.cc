#include "common/html/xpath.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <mutex>

#include "absl/strings/str_cat.h"

namespace govinspect::common {
namespace {

// libxml2's texts for xmlXPathError (the context error callback gets only the code).
const char* XPathErrorText(int code) {
  switch (code) {
    case XPATH_NUMBER_ERROR: return "Number encoding";
    case XPATH_UNFINISHED_LITERAL_ERROR: return "Unfinished literal";
    case XPATH_START_LITERAL_ERROR: return "Start of literal";
    case XPATH_VARIABLE_REF_ERROR: return "Expected $ for variable reference";
    case XPATH_UNDEF_VARIABLE_ERROR: return "Undefined variable";
    case XPATH_INVALID_PREDICATE_ERROR: return "Invalid predicate";
    case XPATH_EXPR_ERROR: return "Invalid expression";
    case XPATH_UNCLOSED_ERROR: return "Missing closing curly brace";
    case XPATH_UNKNOWN_FUNC_ERROR: return "Unregistered function";
    case XPATH_INVALID_OPERAND: return "Invalid operand";
    case XPATH_INVALID_TYPE: return "Invalid type";
    case XPATH_INVALID_ARITY: return "Invalid number of arguments";
    case XPATH_INVALID_CTXT_SIZE: return "Invalid context size";
    case XPATH_INVALID_CTXT_POSITION: return "Invalid context position";
    case XPATH_MEMORY_ERROR: return "Memory allocation error";
    case XPTR_SYNTAX_ERROR: return "Syntax error";
    case XPTR_RESOURCE_ERROR: return "Resource error";
    case XPTR_SUB_RESOURCE_ERROR: return "Sub resource error";
    case XPATH_UNDEF_PREFIX_ERROR: return "Undefined namespace prefix";
    case XPATH_ENCODING_ERROR: return "Encoding error";
    case XPATH_INVALID_CHAR_ERROR: return "Char out of XML range";
    case XPATH_INVALID_CTXT: return "Invalid or incomplete context";
    case XPATH_STACK_ERROR: return "Stack usage error";
    case XPATH_FORBID_VARIABLE_ERROR: return "Forbidden variable";
    case XPATH_OP_LIMIT_EXCEEDED: return "Operation limit exceeded";
    case XPATH_RECURSION_LIMIT_EXCEEDED: return "Recursion limit exceeded";
    default: return nullptr;
  }
}

struct Captured {
  std::string message;
  int code = 0;  // xmlXPathError
};

void CaptureError(void* user, xmlErrorPtr err) {
  auto* c = static_cast<Captured*>(user);
  if (err == nullptr || !c->message.empty()) return;  // keep the first
  int code = err->domain == XML_FROM_XPATH || err->domain == XML_FROM_XPOINTER
                 ? err->code - XML_XPATH_EXPRESSION_OK
                 : -1;
  const char* text = XPathErrorText(code);
  std::string msg = text != nullptr ? text : (err->message != nullptr ? err->message : "error");
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  c->code = code;
  c->message = std::move(msg);
  if (err->str1 != nullptr) absl::StrAppend(&c->message, " at offset ", err->int1);
}

void Silent(void*, const char*, ...) {}

// libxml2 also prints some XPath errors through the thread's generic error function
// ("xmlXPathCompOpEval: function foo not found"); silenced for the scope, then restored.
class SilenceGenericErrors {
 public:
  SilenceGenericErrors() : handler_(xmlGenericError), context_(xmlGenericErrorContext) {
    xmlSetGenericErrorFunc(nullptr, Silent);
  }
  ~SilenceGenericErrors() { xmlSetGenericErrorFunc(context_, handler_); }
  SilenceGenericErrors(const SilenceGenericErrors&) = delete;
  SilenceGenericErrors& operator=(const SilenceGenericErrors&) = delete;

 private:
  xmlGenericErrorFunc handler_;
  void* context_;
};

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

}  // namespace

void XPathCompDeleter::operator()(xmlXPathCompExprPtr comp) const { xmlXPathFreeCompExpr(comp); }
void XPathObjectDeleter::operator()(xmlXPathObjectPtr obj) const { xmlXPathFreeObject(obj); }

absl::StatusOr<CompiledXPath> CompileXPath(absl::string_view expr) {
  if (expr.empty()) return absl::InvalidArgumentError("empty XPath expression");
  if (expr.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("XPath expression holds a NUL byte");
  }
  InitOnce();
  xmlXPathContextPtr ctxt = xmlXPathNewContext(nullptr);
  if (ctxt == nullptr) return absl::ResourceExhaustedError("out of memory compiling XPath");
  Captured captured;
  ctxt->error = CaptureError;
  ctxt->userData = &captured;
  std::string text(expr);
  SilenceGenericErrors silence;
  xmlXPathCompExprPtr comp =
      xmlXPathCtxtCompile(ctxt, reinterpret_cast<const xmlChar*>(text.c_str()));
  xmlXPathFreeContext(ctxt);
  if (comp == nullptr) {
    return absl::InvalidArgumentError(captured.message.empty() ? "XPath does not compile"
                                                               : captured.message);
  }
  return CompiledXPath(comp);
}

XPathEvaluator::XPathEvaluator(xmlDocPtr doc, unsigned long op_limit) : doc_(doc) {
  InitOnce();
  ctxt_ = xmlXPathNewContext(doc);
  if (ctxt_ != nullptr) ctxt_->opLimit = op_limit;
}

XPathEvaluator::~XPathEvaluator() {
  if (ctxt_ != nullptr) xmlXPathFreeContext(ctxt_);
}

absl::StatusOr<XPathObject> XPathEvaluator::Eval(xmlXPathCompExprPtr expr, xmlNodePtr context) {
  if (ctxt_ == nullptr || doc_ == nullptr || expr == nullptr) {
    return absl::InvalidArgumentError("no document or expression to evaluate");
  }
  Captured captured;
  ctxt_->error = CaptureError;
  ctxt_->userData = &captured;
  ctxt_->node = context != nullptr ? context : reinterpret_cast<xmlNodePtr>(doc_);
  xmlXPathObjectPtr obj;
  {
    SilenceGenericErrors silence;
    obj = xmlXPathCompiledEval(expr, ctxt_);
  }
  ctxt_->userData = nullptr;
  ctxt_->error = nullptr;
  if (obj == nullptr || !captured.message.empty()) {
    if (obj != nullptr) xmlXPathFreeObject(obj);
    if (captured.code == XPATH_OP_LIMIT_EXCEEDED) {
      return absl::ResourceExhaustedError("XPath evaluation exceeded its work limit");
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "XPath evaluation failed: ", captured.message.empty() ? "error" : captured.message));
  }
  return XPathObject(obj);
}

}  // namespace govinspect::common
