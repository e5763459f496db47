"""The case actions offered on the case page and as POST /api/v1/cases/{id}/<action>/: for each, the input it
takes (a serializer, shared by page and API) and the step it calls: the workflow's for a step that reaches other
apps (clocks, return visits, points), an app's own service otherwise."""

from collections.abc import Callable
from dataclasses import dataclass

from rest_framework import serializers

import workflow
from deadlines import services as clocks

from . import services
from .api import serializers as s
from .choices import AppealKind
from .services import TRANSITIONS


@dataclass(frozen=True)
class CaseAction:
    name: str
    input: type[serializers.Serializer]
    run: Callable  # (actor, case, validated data) -> Case | Extension | Appeal

    @property
    def label(self) -> str:
        return str(TRANSITIONS[self.name][1])

    @property
    def url_path(self) -> str:
        return self.name.replace("_", "-")


ACTIONS: dict[str, CaseAction] = {a.name: a for a in [
    CaseAction("accept", s.VersionSerializer,
               lambda actor, case, d: workflow.case_accept(actor=actor, case=case, version=d["version"])),
    CaseAction("not_accept", s.ReasonSerializer,
               lambda actor, case, d: workflow.case_not_accept(actor=actor, case=case, version=d["version"],
                                                               reason=d["reason"])),
    CaseAction("forward", s.ForwardSerializer,
               lambda actor, case, d: workflow.case_forward(actor=actor, case=case, version=d["version"],
                                                            to_body=d["to_body"], reason=d["reason"])),
    CaseAction("divert", s.ReasonSerializer,
               lambda actor, case, d: workflow.case_divert(actor=actor, case=case, version=d["version"],
                                                           reason=d["reason"])),
    CaseAction("assign", s.AssignSerializer,
               lambda actor, case, d: workflow.case_assign(actor=actor, case=case, version=d["version"],
                                                           lead_unit=d["lead_unit"],
                                                           assist_units=d.get("assist_units", []),
                                                           tasks=d["tasks"])),
    CaseAction("return", s.ReasonSerializer,
               lambda actor, case, d: workflow.case_return(actor=actor, case=case, version=d["version"],
                                                           reason=d["reason"])),
    CaseAction("meet", s.MeetSerializer,
               lambda actor, case, d: workflow.case_meet(actor=actor, case=case, version=d["version"],
                                                         met_at=d["met_at"], note=d["note"])),
    CaseAction("feedback", s.NoteSerializer,
               lambda actor, case, d: workflow.case_feedback(actor=actor, case=case, version=d["version"],
                                                             note=d["note"])),
    CaseAction("reply", s.ReplySerializer,
               lambda actor, case, d: workflow.case_reply(actor=actor, case=case, version=d["version"],
                                                          text=d["text"])),
    CaseAction("evaluate", s.EvaluateSerializer,
               lambda actor, case, d: workflow.case_evaluate(actor=actor, case=case, version=d["version"],
                                                             result=d["result"], method=d["method"],
                                                             note=d["note"])),
    CaseAction("close", s.CloseSerializer,
               lambda actor, case, d: workflow.case_close(actor=actor, case=case, version=d["version"],
                                                          note=d["note"])),
    CaseAction("request_review", s.AppealRequestSerializer,
               lambda actor, case, d: workflow.case_request_appeal(
                   actor=actor, case=case, version=d["version"], kind=AppealKind.REVIEW,
                   reviewing_unit=d["reviewing_unit"], reason=d["reason"])),
    CaseAction("request_re_review", s.AppealRequestSerializer,
               lambda actor, case, d: workflow.case_request_appeal(
                   actor=actor, case=case, version=d["version"], kind=AppealKind.RE_REVIEW,
                   reviewing_unit=d["reviewing_unit"], reason=d["reason"])),
    CaseAction("decide_appeal", s.DecideAppealSerializer,
               lambda actor, case, d: workflow.case_decide_appeal(actor=actor, case=case, version=d["version"],
                                                                  outcome=d["outcome"], decision=d["decision"])),
    CaseAction("request_extension", s.ExtensionRequestSerializer,
               lambda actor, case, d: services.extension_request(actor=actor, case=case, days=d["days"],
                                                                 reason=d["reason"])),
    CaseAction("assist_report", s.AssistReportSerializer,
               lambda actor, case, d: workflow.assignment_report(actor=actor, case=case, report=d["report"])),
    CaseAction("request_suspension", s.SuspensionRequestSerializer,
               lambda actor, case, d: clocks.suspension_request(actor=actor, case=case, reason=d["reason"])),
    CaseAction("supervise", s.SuperviseSerializer,
               lambda actor, case, d: clocks.supervision_issue(actor=actor, case=case, kind=d["kind"],
                                                               content=d["content"], respond_by=d["respond_by"])),
]}
