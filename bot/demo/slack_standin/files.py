"""Slack's external file upload, as slack_sdk's files_upload_v2 drives it: files.getUploadURLExternal, the
upload itself (a POST of the bytes to the URL it handed out), files.completeUploadExternal, files.info.

Each takes the stand-in's state (its lock held) and the call, and returns Slack's answer.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from bot.demo.slack_standin.calls import Call, Reply, as_int, err, ok
from bot.demo.slack_standin.state import BASE_EPOCH, SlackState


def files_get_upload_url(state: SlackState, call: Call) -> Reply:
    filename = call.args.get("filename")
    length = as_int(call.args.get("length"), 0)
    if not filename:
        return err("invalid_arguments", response_metadata={"messages": ["[ERROR] missing filename"]})
    if not length:
        return err("invalid_arguments", response_metadata={"messages": ["[ERROR] missing length"]})
    file_id = f"F{state.next():010d}"
    state.files[file_id] = {"name": filename, "length": length, "uploaded": False}
    return ok(upload_url=f"{state.base_url}/upload/{file_id}", file_id=file_id)


def upload(state: SlackState, call: Call) -> Reply:
    """The bytes POSTed to an upload URL; Slack answers in plain text."""
    file_id = call.args["file_id"]
    if file_id not in state.files:
        return Reply(404, "file not found")
    state.uploads[file_id] = call.args["content"]
    state.files[file_id]["uploaded"] = True
    return Reply(200, f"OK - {call.args['length']}")


def _file_object(state: SlackState, file_id: str, call: Call) -> dict[str, Any]:
    record = state.files[file_id]
    name = record["name"]
    domain = state.domain(state.team_for(call.token)["name"])
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return {
        "id": file_id,
        "created": BASE_EPOCH,
        "timestamp": BASE_EPOCH,
        "name": name,
        "title": record.get("title") or name,
        "mimetype": mimetype,
        "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "binary",
        "user": state.bot_user_id,
        "size": len(state.uploads.get(file_id, b"")),
        "url_private": f"https://files.slack.com/files-pri/{state.team_id}-{file_id}/{name}",
        "permalink": f"https://{domain}.slack.com/files/{state.bot_user_id}/{file_id}/{name}",
        "channels": list(record.get("channels", [])),
        "initial_comment": record.get("initial_comment"),
    }


def files_complete_upload(state: SlackState, call: Call) -> Reply:
    items = call.args.get("files")
    if not isinstance(items, list) or not items:
        return err("invalid_arguments", response_metadata={"messages": ["[ERROR] missing files"]})
    channels = [c for c in str(call.args.get("channels") or "").split(",") if c]
    if call.args.get("channel_id"):
        channels.append(call.args["channel_id"])
    file_ids: list[str] = []
    for item in items:
        file_id = item.get("id") if isinstance(item, dict) else None
        if file_id not in state.files or not state.files[file_id]["uploaded"]:
            return err("file_not_found")
        file_ids.append(file_id)
    for item, file_id in zip(items, file_ids, strict=True):
        state.files[file_id].update(
            title=item.get("title"), channels=channels, initial_comment=call.args.get("initial_comment")
        )
    return ok(files=[_file_object(state, file_id, call) for file_id in file_ids])


def files_info(state: SlackState, call: Call) -> Reply:
    file_id = call.args.get("file") or ""
    if file_id not in state.files:
        return err("file_not_found")
    return ok(file=_file_object(state, file_id, call))


METHODS: dict[str, Callable[[SlackState, Call], Reply]] = {
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
    "files.info": files_info,
}
