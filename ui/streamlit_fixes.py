"""Work-arounds for Streamlit bugs that lose a user's input, each applied once per process.

**Uploads lost when a run starts (Streamlit 1.67).** Dropping files on ``st.file_uploader``
makes the browser ask the server for upload URLs (a ``file_urls_request``). The server
queues the answer (a ``file_urls_response`` ForwardMsg) for the browser. When a script
run starts before that queue is sent, ``AppSession`` clears the queue, keeping only the
"lifecycle" messages (``ForwardMsgQueue.clear(retain_lifecycle_msgs=True)``: new_session,
script_finished, session_status_changed, parent_message, page_info_changed). The answer
is dropped, and the browser waits for it forever: no file chip, no upload, no error. A run
starts at such a moment whenever the files arrive just as the run for an earlier upload
or click begins, and more often on a busy machine. We saw it in CI as a job upload that
never showed a chip, right after the resume upload's run.

The fix keeps such answers across that clear. They answer a browser request and belong
to no script run, so no run can make them stale. Two more answers share the flaw and are
kept for the same reason: ``heartbeat_ack`` (a host that sends heartbeats reconnects the
app when an ack goes missing) and ``backend_operation_response`` (lazy dataframe chunks;
the browser ignores an answer to a request it no longer has).
"""

from __future__ import annotations

from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

#: ForwardMsg types that answer a browser request; a new script run must not drop them.
RESPONSE_TYPES = frozenset({"file_urls_response", "heartbeat_ack",
                            "backend_operation_response"})

_PATCHED = "_resumatch_keeps_responses"


def keep_request_answers() -> None:
    """Make ``ForwardMsgQueue.clear(retain_lifecycle_msgs=True)`` keep the queued
    messages in :data:`RESPONSE_TYPES` (after the lifecycle messages it keeps). Clearing
    with ``retain_lifecycle_msgs=False`` (the queue being sent, or a session ending)
    still empties it. Idempotent; safe to call on every run of ``app.py``."""
    if getattr(ForwardMsgQueue.clear, _PATCHED, False):
        return
    original = ForwardMsgQueue.clear

    def clear(self: ForwardMsgQueue, retain_lifecycle_msgs: bool = False,
              fragment_ids_this_run: list[str] | None = None) -> None:
        responses = []
        if retain_lifecycle_msgs:
            responses = [msg for msg in self._queue
                         if msg.WhichOneof("type") in RESPONSE_TYPES]
        original(self, retain_lifecycle_msgs=retain_lifecycle_msgs,
                 fragment_ids_this_run=fragment_ids_this_run)
        kept = {id(msg) for msg in self._queue}
        self._queue.extend(msg for msg in responses if id(msg) not in kept)

    clear.__doc__ = original.__doc__
    setattr(clear, _PATCHED, True)
    ForwardMsgQueue.clear = clear
