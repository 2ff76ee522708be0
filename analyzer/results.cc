#include "analyzer/results.h"

namespace trace_analyze::analyzer {

const char* PresenceName(Presence presence) {
  switch (presence) {
    case Presence::kBoth:
      return "both";
    case Presence::kAppeared:
      return "appeared";
    case Presence::kDisappeared:
      return "disappeared";
  }
  return "";
}

const char* FindingChangeStatusName(FindingChangeStatus status) {
  switch (status) {
    case FindingChangeStatus::kResolved:
      return "resolved";
    case FindingChangeStatus::kNew:
      return "new";
    case FindingChangeStatus::kPersisting:
      return "persisting";
  }
  return "";
}

const char* VerifyStatusName(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::kParallel:
      return "parallel";
    case VerifyStatus::kPartial:
      return "partial";
    case VerifyStatus::kStillSequential:
      return "still_sequential";
    case VerifyStatus::kAbsent:
      return "absent";
    case VerifyStatus::kUnknown:
      return "unknown";
  }
  return "";
}

const char* TargetStatusName(TargetStatus status) {
  switch (status) {
    case TargetStatus::kOk:
      return "OK";
    case TargetStatus::kAcceptable:
      return "ACCEPTABLE";
    case TargetStatus::kFail:
      return "FAIL";
  }
  return "";
}

}  // namespace trace_analyze::analyzer
