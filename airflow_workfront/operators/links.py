"""A button on Workfront task instances that opens, in Workfront's web UI, the object they touched.

Workfront's UI shows one object at ``https://<domain>.my.workfront.com/<page>/view?ID=<ID>`` (the
shape Adobe's notification templates use). An operator that found or changed objects sets
``workfront_touched = (obj_code, ID)`` while it runs; Airflow 3 calls
:meth:`WorkfrontObjectLink.get_link` on the worker when the task ends and keeps the URL as the
link's only XCom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperatorLink

if TYPE_CHECKING:
    from airflow.sdk.types import TaskInstanceKey

# Object code -> the page that shows one object of that type in Workfront's UI.
UI_PAGES = {
    "PROJ": "project",
    "TASK": "task",
    "OPTASK": "issue",
    "PORT": "portfolio",
    "PRGM": "program",
    "USER": "user",
    "DOCU": "document",
    "TMPL": "template",
}


def ui_url(base_url: str, obj_code: str, obj_id: str) -> str | None:
    """The UI page of one object, or ``None`` when its type has no page of its own (hours, journal...)."""
    page = UI_PAGES.get(str(obj_code).upper())
    if not page or not obj_id:
        return None
    return f"{base_url.rstrip('/')}/{page}/view?ID={obj_id}"


class WorkfrontObjectLink(BaseOperatorLink):
    """The "Workfront" button: the object the task touched (the first, when it touched several)."""

    name = "Workfront"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        touched = getattr(operator, "workfront_touched", None)
        if not touched:
            return ""
        try:
            base_url = operator.hook.config.base_url
        except Exception:  # a link must never fail the task
            return ""
        return ui_url(base_url, *touched) or ""
