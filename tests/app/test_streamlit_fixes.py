"""ui/streamlit_fixes.py: a file-upload answer survives the queue clear of a new run."""

from __future__ import annotations

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from ui.streamlit_fixes import keep_request_answers


def _urls_response(request_id: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.file_urls_response.response_id = request_id
    return msg


def _types(queue: ForwardMsgQueue) -> list[str]:
    return [msg.WhichOneof("type") for msg in queue._queue]


def test_a_new_run_keeps_the_answer_to_an_upload_request() -> None:
    keep_request_answers()
    keep_request_answers()  # idempotent: app.py calls it on every run
    queue = ForwardMsgQueue()
    queue.enqueue(_urls_response("r1"))
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    queue.enqueue(finished)

    queue.clear(retain_lifecycle_msgs=True)  # what AppSession does when a run starts

    assert "file_urls_response" in _types(queue)
    assert [m.file_urls_response.response_id for m in queue._queue
            if m.WhichOneof("type") == "file_urls_response"] == ["r1"]
    assert "script_finished" in _types(queue)  # Streamlit's own lifecycle rule still holds


def test_a_new_run_keeps_a_heartbeat_ack() -> None:
    keep_request_answers()
    queue = ForwardMsgQueue()
    ack = ForwardMsg()
    ack.heartbeat_ack = True
    queue.enqueue(ack)
    queue.clear(retain_lifecycle_msgs=True)
    assert _types(queue) == ["heartbeat_ack"]


def test_sending_or_closing_still_empties_the_queue() -> None:
    keep_request_answers()
    queue = ForwardMsgQueue()
    queue.enqueue(_urls_response("r2"))
    assert [m.file_urls_response.response_id for m in queue.flush()] == ["r2"]
    assert len(queue) == 0
    queue.enqueue(_urls_response("r3"))
    queue.clear()
    assert len(queue) == 0
