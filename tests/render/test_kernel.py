"""The run's kernel (cchc.render.kernel), beside the CLI: always this environment's Python, warmed
up without touching the notebook's history, one lasting client for reports, kept or stopped."""

import sys

from jupyter_core.utils import run_sync

from cchc.render.kernel import keep, project_spec, report_client, start_kernel, stop_kernel


def _value(client, code: str) -> str:
    """The text/plain result of ``code`` run through ``client`` (an async client, as nbclient uses)."""
    reply_id = client.execute(code, store_history=False)
    while True:
        message = run_sync(client.get_iopub_msg)(timeout=30)
        if message["parent_header"].get("msg_id") != reply_id:
            continue
        if message["msg_type"] == "execute_result":
            return message["content"]["data"]["text/plain"]
        if message["msg_type"] == "error":
            raise AssertionError(message["content"]["evalue"])


def test_the_spec_is_this_environments_python():
    spec = project_spec()
    assert spec.argv[0] == sys.executable and spec.argv[1:3] == ["-m", "ipykernel_launcher"]
    assert "--HistoryManager.enabled=False" in spec.argv


def test_a_kernel_is_warmed_up_runs_reports_through_one_client_and_is_kept_or_stopped(tmp_path):
    manager = start_kernel(tmp_path)
    try:
        assert manager.kernel_spec.argv[0] == sys.executable
        client = report_client(manager)
        assert report_client(manager) is client      # made once, reused for every report
        assert _value(client, "import sys, os; sys.executable") == repr(sys.executable)
        assert _value(client, "os.getcwd()") == repr(str(tmp_path))
        # the warm-up imported the report's modules and left no variable or history behind
        assert _value(client, "'cchc.report.view' in sys.modules") == "True"
        assert _value(client, "'_c' in globals()") == "False"
        keep(manager)
        stop_kernel(manager)
        assert run_sync(manager.is_alive)() and manager.report_client is client
        keep(manager, kept=False)
        stop_kernel(manager)
        assert not manager.has_kernel and manager.report_client is None and manager.warm_up_client is None
    finally:
        keep(manager, kept=False)
        stop_kernel(manager)
