"""The embedded default under concurrency: a real server (runserver, threaded, eager tasks) on a
SQLite file, 20 parallel survey answers and 20 parallel deal approvals. No response may be a
server error, and every write must be whole: answered, followed up, emailed, approved, audited.

Before WAL with IMMEDIATE transactions and a busy timeout, 13 of 20 approvals failed with
"database is locked".
"""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="starts a server process")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-server")
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="prm.settings", DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
               EMAIL_FILE_PATH=str(folder / "mail"), PRM_DOMAIN="localhost", DEBUG="false", PYTHONPATH=str(ROOT))

    def manage(*args, **kwargs):
        # Generous: migrating a new database from every app's migrations takes minutes on a busy machine.
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                              text=True, timeout=900, **kwargs)

    manage("manage.py", "migrate", "--noinput")
    world = json.loads(manage("-m", "tests.sqlite_server.world").stdout)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 — closed below, after the server stops
    process = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/s/thanks/", headers={"Host": world["host"]}, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield {**world, "base": base, "db": folder / "db.sqlite3", "log": folder / "server.log"}
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _in_parallel(prepare, fire, count):
    """prepare(i) runs first in each thread (sessions, CSRF tokens); fire(i, prepared) runs in all
    threads at the same moment. Returns the status codes."""
    barrier = threading.Barrier(count)
    statuses = [None] * count

    def run(index):
        try:
            prepared = prepare(index)
            barrier.wait(timeout=60)
            statuses[index] = fire(index, prepared).status_code
        except requests.RequestException as exc:
            statuses[index] = repr(exc)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _rows(server, sql, *params):
    with sqlite3.connect(server["db"]) as db:
        return db.execute(sql, params).fetchall()


def test_twenty_parallel_survey_answers_all_succeed_and_are_whole(server):
    headers = {"Host": server["host"]}
    tokens = server["answer_tokens"]

    def prepare(index):
        session = requests.Session()
        page = session.get(f"{server['base']}/s/{tokens[index]}/", headers=headers, timeout=30)
        return session, CSRF.search(page.text).group(1)

    def fire(index, prepared):
        session, csrf = prepared
        return session.post(f"{server['base']}/s/{tokens[index]}/", headers=headers, timeout=60,
                            data={"csrfmiddlewaretoken": csrf, "score": "3", "comment": f"answer {index}"},
                            allow_redirects=False)

    statuses = _in_parallel(prepare, fire, len(tokens))
    assert statuses == [302] * len(tokens), (Counter(statuses), server["log"].read_text()[-3000:])
    assert _rows(server, "SELECT count(*) FROM surveys_answer") == [(20,)]
    assert _rows(server, "SELECT status, count(*) FROM surveys_surveyinvitation GROUP BY status") == [("answered", 20)]
    assert _rows(server, "SELECT count(*) FROM surveys_followupcase") == [(20,)]
    # Each detractor's follow-up email was delivered in process, none left behind.
    assert _rows(server, "SELECT status, count(*) FROM outbox_outboundemail WHERE kind LIKE 'surveys/%' "
                         "GROUP BY status") == [("sent", 20)]


def test_twenty_parallel_approvals_all_succeed_and_are_audited(server):
    headers = {"Host": server["host"]}
    cookies = {"sessionid": server["manager_session"]}
    deal_ids = server["deal_ids"]

    def prepare(index):
        session = requests.Session()
        session.cookies.update(cookies)
        page = session.get(f"{server['base']}/manage/deals/{deal_ids[index]}/", headers=headers, timeout=30)
        return session, CSRF.search(page.text).group(1)

    def fire(index, prepared):
        session, csrf = prepared
        return session.post(f"{server['base']}/manage/deals/{deal_ids[index]}/approve/", headers=headers,
                            data={"csrfmiddlewaretoken": csrf}, timeout=60, allow_redirects=False)

    statuses = _in_parallel(prepare, fire, len(deal_ids))
    assert statuses == [302] * len(deal_ids), (Counter(statuses), server["log"].read_text()[-3000:])
    assert _rows(server, "SELECT status, count(*) FROM dealreg_deal GROUP BY status") == [("approved", 20)]
    assert _rows(server, "SELECT count(DISTINCT target_id) FROM audit_auditevent WHERE from_state = 'submitted' "
                         "AND to_state = 'approved'") == [(20,)]
    assert _rows(server, "SELECT count(*) FROM outbox_outboundemail WHERE status NOT IN ('sent')") == [(0,)]


def test_a_300_mb_upload_is_answered_413_before_its_body_is_sent(server):
    """Only the headers and the first 64 KiB go out; the answer comes back without the rest."""
    host, port = server["base"].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall((f"POST /manage/surveys/campaigns/ HTTP/1.1\r\nHost: {server['host']}\r\n"
                            "Content-Type: multipart/form-data; boundary=x\r\n"
                            f"Content-Length: {300 * 1024 * 1024}\r\n\r\n").encode() + b"a" * 65536)
        answer = connection.makefile("rb").readline()
    assert answer.split()[1] == b"413"
