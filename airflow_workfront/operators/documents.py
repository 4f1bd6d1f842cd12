"""Attach a file to a Workfront object as a document."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.operators.base import WorkfrontBaseOperator, require

if TYPE_CHECKING:
    from airflow.sdk import Context


class WorkfrontUploadDocumentOperator(WorkfrontBaseOperator):
    """Upload a local or object-storage file and attach it to an object as a document (DOCU).

    :param obj_code: Code of the object to attach to (``PROJ``, ``TASK``, ``OPTASK``...). Templated.
    :param obj_id: Its ID. Templated.
    :param file_path: A local path or an ``ObjectStoragePath`` URL (``s3://conn@bucket/key``). Templated.
    :param name: The document's name (default: the file name). Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "obj_id", "file_path",
                                      "name")

    def __init__(self, *, obj_code: str, obj_id: str, file_path: str, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.obj_id, self.file_path, self.name = obj_code, obj_id, file_path, name

    def execute(self, context: Context) -> dict[str, Any]:
        path = str(require(self.file_path, "file_path", self.task_id))
        if "://" in path:
            from airflow.sdk import ObjectStoragePath

            source = ObjectStoragePath(path)
            content, filename = source.read_bytes(), source.name
        else:
            with open(path, "rb") as handle:
                content, filename = handle.read(), os.path.basename(path)
        name = self.name or filename
        handle_id = self.client.upload(content, filename=filename)
        document = self.client.create_document(name, handle_id, self.obj_code, require(self.obj_id, "obj_id", self.task_id))
        self.log.info("Attached %s (%d bytes) to %s %s as document %s", filename, len(content), self.obj_code,
                      self.obj_id, document.get("ID"))
        return {"document_id": document.get("ID"), "name": name, "bytes": len(content)}
