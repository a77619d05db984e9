"""Krabuan's engine: the core of the product and the only package that imports SpiffWorkflow.

The public surface is what this module exports (``__all__``): ``Krabuan`` (services per actor),
its ``Settings``, the error hierarchy, the returned dataclasses and the calendar helpers the
edges need. cli/, web/ and scheduler/ import nothing else from the engine (a test checks it).
Everything but the errors is imported on first use, so that a short command starts fast.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError as ConfigurationError
from .errors import Conflict as Conflict
from .errors import DeployError as DeployError
from .errors import EngineError as EngineError
from .errors import ExpressionError as ExpressionError
from .errors import Forbidden as Forbidden
from .errors import IntegrityViolation as IntegrityViolation
from .errors import InvalidInput as InvalidInput
from .errors import NotFound as NotFound
from .errors import ProcessError as ProcessError
from .errors import TooLarge as TooLarge
from .errors import Unauthorized as Unauthorized
from .errors import Unavailable as Unavailable

if TYPE_CHECKING:
    from .audit_results import AuditViewEntry as AuditViewEntry
    from .audit_results import CaseHit as CaseHit
    from .audit_results import CaseQuery as CaseQuery
    from .audit_results import CaseReplay as CaseReplay
    from .audit_results import CaseSearchPage as CaseSearchPage
    from .audit_results import ReplayState as ReplayState
    from .audit_results import ReplayStep as ReplayStep
    from .change_results import ChangeView as ChangeView
    from .change_results import DraftContent as DraftContent
    from .change_results import ModelProblem as ModelProblem
    from .change_results import StewardView as StewardView
    from .change_results import Validation as Validation
    from .event_log_results import EventLogExport as EventLogExport
    from .event_log_results import Finding as Finding
    from .event_log_results import IntegritySummary as IntegritySummary
    from .event_log_results import LogChunk as LogChunk
    from .event_log_results import LogQuery as LogQuery
    from .event_log_results import VerificationRunView as VerificationRunView
    from .event_log_results import VerificationStatus as VerificationStatus
    from .krabuan import Krabuan as Krabuan
    from .migration_results import MigrationDiff as MigrationDiff
    from .migration_results import MigrationOutcome as MigrationOutcome
    from .migration_results import MigrationPlan as MigrationPlan
    from .model.acting import ACTING_KINDS as ACTING_KINDS
    from .model.definitions import ProcessModel as ProcessModel
    from .model.definitions import StepModel as StepModel
    from .model.filetypes import FILE_ACCEPT as FILE_ACCEPT
    from .model.forms import FormDefinition as FormDefinition
    from .model.limits import load_json as load_json
    from .model.metadata import ControlPoint as ControlPoint
    from .model.process_diff import ProcessDiff as ProcessDiff
    from .model.urgency import URGENCIES as URGENCIES
    from .model.urgency import CaseHeader as CaseHeader
    from .model.worklist import WorklistFilter as WorklistFilter
    from .replay_results import Divergence as Divergence
    from .replay_results import ReplayReport as ReplayReport
    from .report_results import ControlsReport as ControlsReport
    from .report_results import OnTimeReport as OnTimeReport
    from .report_results import OverdueReport as OverdueReport
    from .report_results import ReportFile as ReportFile
    from .report_results import ReportFilter as ReportFilter
    from .report_results import ReportTable as ReportTable
    from .report_results import RiskReport as RiskReport
    from .results import Account as Account
    from .results import CasePage as CasePage
    from .results import CaseStarted as CaseStarted
    from .results import ChainReport as ChainReport
    from .results import DeadlineChange as DeadlineChange
    from .results import DeployResult as DeployResult
    from .results import FileView as FileView
    from .results import FireResult as FireResult
    from .results import HistoryEventView as HistoryEventView
    from .results import InstanceView as InstanceView
    from .results import LeasedTimer as LeasedTimer
    from .results import NotificationView as NotificationView
    from .results import ProcessVersionView as ProcessVersionView
    from .results import SignedIn as SignedIn
    from .results import TaskCompleted as TaskCompleted
    from .results import TaskView as TaskView
    from .results import TimerView as TimerView
    from .results import TokenView as TokenView
    from .results import TriggerStart as TriggerStart
    from .results import TriggerView as TriggerView
    from .results import UserView as UserView
    from .results import WorklistPage as WorklistPage
    from .services.acting import AbsenceRequest as AbsenceRequest
    from .services.acting import AppointmentRequest as AppointmentRequest
    from .services.authoring import DraftInput as DraftInput
    from .services.authoring import SubmitInput as SubmitInput
    from .services.cases import Completion as Completion
    from .settings import Settings as Settings
    from .time.calendar import BANGKOK as BANGKOK
    from .time.calendar import WorkCalendar as WorkCalendar
    from .time.calendar import be_date as be_date
    from .time.calendar import ce_year as ce_year
    from .time.calendar import fiscal_year as fiscal_year
    from .time.calendar import parse_date as parse_date

_LAZY = {
    "AuditViewEntry": "engine.audit_results",
    "CaseHit": "engine.audit_results",
    "CaseQuery": "engine.audit_results",
    "CaseReplay": "engine.audit_results",
    "CaseSearchPage": "engine.audit_results",
    "ReplayState": "engine.audit_results",
    "ReplayStep": "engine.audit_results",
    "Krabuan": "engine.krabuan",
    "ReportFilter": "engine.report_results",
    "OnTimeReport": "engine.report_results",
    "OverdueReport": "engine.report_results",
    "ControlsReport": "engine.report_results",
    "RiskReport": "engine.report_results",
    "ReportTable": "engine.report_results",
    "ReportFile": "engine.report_results",
    "EventLogExport": "engine.event_log_results",
    "Finding": "engine.event_log_results",
    "IntegritySummary": "engine.event_log_results",
    "VerificationRunView": "engine.event_log_results",
    "VerificationStatus": "engine.event_log_results",
    "LogChunk": "engine.event_log_results",
    "LogQuery": "engine.event_log_results",
    "MigrationDiff": "engine.migration_results",
    "MigrationOutcome": "engine.migration_results",
    "MigrationPlan": "engine.migration_results",
    "Divergence": "engine.replay_results",
    "ReplayReport": "engine.replay_results",
    "ProcessModel": "engine.model.definitions",
    "StepModel": "engine.model.definitions",
    "FormDefinition": "engine.model.forms",
    "ControlPoint": "engine.model.metadata",
    "Account": "engine.results",
    "Completion": "engine.services.cases",
    "AbsenceRequest": "engine.services.acting",
    "ACTING_KINDS": "engine.model.acting",
    "AppointmentRequest": "engine.services.acting",
    "CasePage": "engine.results",
    "CaseStarted": "engine.results",
    "SignedIn": "engine.results",
    "TokenView": "engine.results",
    "ChainReport": "engine.results",
    "DeadlineChange": "engine.results",
    "DeployResult": "engine.results",
    "FileView": "engine.results",
    "FILE_ACCEPT": "engine.model.filetypes",
    "FireResult": "engine.results",
    "HistoryEventView": "engine.results",
    "InstanceView": "engine.results",
    "LeasedTimer": "engine.results",
    "NotificationView": "engine.results",
    "ProcessVersionView": "engine.results",
    "TaskCompleted": "engine.results",
    "TaskView": "engine.results",
    "TimerView": "engine.results",
    "TriggerStart": "engine.results",
    "TriggerView": "engine.results",
    "UserView": "engine.results",
    "WorklistPage": "engine.results",
    "URGENCIES": "engine.model.urgency",
    "CaseHeader": "engine.model.urgency",
    "WorklistFilter": "engine.model.worklist",
    "load_json": "engine.model.limits",
    "DraftInput": "engine.services.authoring",
    "SubmitInput": "engine.services.authoring",
    "ChangeView": "engine.change_results",
    "DraftContent": "engine.change_results",
    "Validation": "engine.change_results",
    "ModelProblem": "engine.change_results",
    "StewardView": "engine.change_results",
    "ProcessDiff": "engine.model.process_diff",
    "Settings": "engine.settings",
    "BANGKOK": "engine.time.calendar",
    "WorkCalendar": "engine.time.calendar",
    "be_date": "engine.time.calendar",
    "ce_year": "engine.time.calendar",
    "fiscal_year": "engine.time.calendar",
    "parse_date": "engine.time.calendar",
}
__all__ = [
    "ReportFilter", "OnTimeReport", "OverdueReport", "ControlsReport", "RiskReport", "ReportTable", "ReportFile",
    "ConfigurationError", "Conflict", "DeployError", "EngineError", "ExpressionError", "Forbidden",
    "IntegrityViolation", "InvalidInput", "NotFound", "ProcessError", "TooLarge", "Unauthorized", "Unavailable",
    "Krabuan", "DraftInput", "SubmitInput", "ChangeView", "DraftContent", "Validation", "ModelProblem",
    "StewardView", "ProcessDiff",
    "Account",
    "SignedIn", "TokenView", "CasePage", "Completion", "ProcessModel", "StepModel",
    "FormDefinition", "ControlPoint", "CaseStarted", "ChainReport", "DeadlineChange", "DeployResult",
    "FileView", "FILE_ACCEPT", "FireResult", "HistoryEventView", "InstanceView", "LeasedTimer", "NotificationView",
    "ProcessVersionView", "TaskCompleted", "TaskView", "TimerView", "TriggerStart", "TriggerView", "UserView",
    "WorklistPage", "URGENCIES", "CaseHeader", "WorklistFilter", "load_json", "Settings",
    "BANGKOK", "WorkCalendar", "be_date", "ce_year", "fiscal_year", "parse_date",
    "AbsenceRequest", "AppointmentRequest", "ACTING_KINDS",
    "MigrationDiff", "MigrationOutcome", "MigrationPlan",
    "Divergence", "ReplayReport",
    "EventLogExport", "Finding", "IntegritySummary", "LogChunk", "LogQuery", "VerificationRunView",
    "VerificationStatus",
    "AuditViewEntry", "CaseHit", "CaseQuery", "CaseReplay", "CaseSearchPage", "ReplayState", "ReplayStep",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
