"""Twenty organizers at once for a fixed time: no lost or doubled decision, no locking error, counts agree."""

import datetime as dt
import random
import threading
import time
from collections import Counter

from sqlalchemy import func, select

from core import review
from core.application_import import import_applications
from core.csvio import write_table
from core.errors import DomainError
from db.engine import read_session
from db.models import Application, AuditLog, Member
from tests.test_review import add_application

ORGANIZERS = 20
IMPORTERS = 4
SECONDS = 6.0
APPLICATIONS = 150


def test_twenty_concurrent_organizers_deciding_and_importing_keep_the_data_consistent(engine):
    for index in range(APPLICATIONS):
        add_application(engine, email=f"person{index % 120}@example.jp", name=f"申込 {index}",
                        submitted_at=dt.datetime(2026, 10, 1) + dt.timedelta(minutes=index))
    with read_session(engine) as session:
        ids = list(session.scalars(select(Application.id)))
    stored, refused, imports, failures = Counter(), Counter(), Counter(), []
    deadline = time.monotonic() + SECONDS
    lock = threading.Lock()

    def organizer(number: int) -> None:
        rng = random.Random(number)
        while time.monotonic() < deadline:
            application_id = rng.choice(ids)
            with read_session(engine) as session:
                version = session.get(Application, application_id).version
            decision = rng.choice(["approve", "approve", "reject", "hold"])
            try:
                review.decide(engine, application_id, version, decision, f"organizer{number}",
                              category="other", note="確認しました")
            except DomainError as error:
                with lock:
                    refused[type(error).__name__] += 1
            except Exception as error:  # noqa: BLE001 - any other error is what this test is looking for
                with lock:
                    failures.append(repr(error))
            else:
                with lock:
                    stored[decision] += 1

    def importer(number: int) -> None:
        batch = 0
        while time.monotonic() < deadline:
            rows = [[f"2026/11/{1 + batch % 28:02d} 10:{i:02d}:00", f"import{number}-{batch}-{i}@example.jp",
                     f"取込 {number} {batch} {i}", "はい"] for i in range(10)]
            try:
                import_applications(engine, write_table(["submitted_at", "email", "full_name", "consent"], rows),
                                    actor=f"importer{number}")
            except Exception as error:  # noqa: BLE001
                with lock:
                    failures.append(repr(error))
            else:
                with lock:
                    imports["files"] += 1
            batch += 1

    threads = [threading.Thread(target=organizer, args=(n,)) for n in range(ORGANIZERS - IMPORTERS)]
    threads += [threading.Thread(target=importer, args=(n,)) for n in range(IMPORTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)

    assert failures == []
    assert stored["approve"] > 0 and imports["files"] > 0
    assert refused["DecisionConflict"] + refused["AlreadyDecided"] > 0
    with read_session(engine) as session:
        approved = list(session.scalars(select(Application).where(Application.status == "approved")))
        members = session.scalar(select(func.count()).select_from(Member))
        member_emails = list(session.scalars(select(Member.email_normalized)))
        decisions = list(session.execute(
            select(AuditLog.entity_id, AuditLog.new_value).where(AuditLog.action == "decision").order_by(AuditLog.id)
        ))
        import_rows = session.scalar(select(func.count()).where(AuditLog.action == "import"))
        imported = session.scalar(select(func.count()).where(Application.source == "import"))
        statuses = dict(session.execute(select(Application.id, Application.status)).all())
    assert all(a.member_id is not None for a in approved)
    assert members == len(approved) == len(set(member_emails))
    assert len(decisions) == sum(stored.values())
    last = {application_id: status for application_id, status in decisions}
    assert all(statuses[application_id] == status for application_id, status in last.items())
    assert import_rows == imports["files"]
    assert imported == imports["files"] * 10
