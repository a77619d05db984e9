"""Krabuan's engine: the core of the product and the only package that imports SpiffWorkflow.

The public surface is what this module re-exports: ``Krabuan`` (services per actor), its
``Settings``, the error hierarchy and the returned dataclasses. cli/, web/ and scheduler/
import nothing else from the engine (a test checks it).
"""
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
from .krabuan import Krabuan as Krabuan
from .model.definitions import ProcessModel as ProcessModel
from .model.definitions import StepModel as StepModel
from .model.forms import FormDefinition as FormDefinition
from .model.metadata import ControlPoint as ControlPoint
from .results import CaseStarted as CaseStarted
from .results import ChainReport as ChainReport
from .results import DeadlineChange as DeadlineChange
from .results import DeployResult as DeployResult
from .results import FireResult as FireResult
from .results import HistoryEventView as HistoryEventView
from .results import InstanceView as InstanceView
from .results import NotificationView as NotificationView
from .results import ProcessVersionView as ProcessVersionView
from .results import TaskCompleted as TaskCompleted
from .results import TaskView as TaskView
from .results import TimerView as TimerView
from .results import TriggerStart as TriggerStart
from .results import TriggerView as TriggerView
from .results import UserView as UserView
from .settings import Settings as Settings
from .time.calendar import BANGKOK as BANGKOK
from .time.calendar import WorkCalendar as WorkCalendar
from .time.calendar import be_date as be_date
from .time.calendar import ce_year as ce_year
from .time.calendar import fiscal_year as fiscal_year
from .time.calendar import parse_date as parse_date

__version__ = "0.1.0"
