"""积案天数 as the board, the dossier page and the API show it: the days since the office received the matter, not
since it was filed as a dossier (a dossier opened today for a 2024 letter has waited since 2024), and it stops on
the day the matter was resolved.

Worked by hand, today 7 December 2026: received 15 March 2024 → 365 (to 15 March 2025; 2024's 29 February came
before) + 365 (to 15 March 2026) + 16 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 7 (to 7 December) = 997 days;
resolved on 1 June 2026 → 730 + 16 + 30 + 31 + 1 = 808 days.
"""

import pytest
import time_machine

from cases.models import Case
from dossiers.models import Dossier

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_dossier(dossier):
    """The letter was received on 15 March 2024; the dossier was opened today."""
    Case.objects.filter(pk=dossier.case_id).update(received_at=at("2024-03-15"))
    return dossier


def test_the_age_of_a_backlog_is_counted_from_the_day_the_matter_was_received(client_as, api_as, caseworker,
                                                                               old_dossier):
    with time_machine.travel(at("2026-12-07", 15), tick=False):
        board = client_as(caseworker).get("/dossiers/").content.decode()
        page = client_as(caseworker).get(f"/dossiers/{old_dossier.pk}/").content.decode()
        listed = api_as(caseworker).get("/api/v1/dossiers/").json()["results"]
        one = api_as(caseworker).get(f"/api/v1/dossiers/{old_dossier.pk}/").json()

    assert 'data-label="积案天数">997</td>' in board
    assert "997 天（自 2024-03-15 收到起）" in page
    assert [d["age_days"] for d in listed] == [997] and one["age_days"] == 997


def test_a_resolved_backlog_stops_ageing_on_the_day_it_was_resolved(api_as, caseworker, old_dossier):
    Dossier.objects.filter(pk=old_dossier.pk).update(stage="resolved", resolved_at=at("2026-06-01"))
    with time_machine.travel(at("2026-12-07", 15), tick=False):
        assert api_as(caseworker).get(f"/api/v1/dossiers/{old_dossier.pk}/").json()["age_days"] == 808


def test_a_matter_received_today_is_zero_days_old_and_only_then(api_as, caseworker, dossier):
    Case.objects.filter(pk=dossier.case_id).update(received_at=at("2026-12-07", 8))
    with time_machine.travel(at("2026-12-07", 23), tick=False):
        assert api_as(caseworker).get(f"/api/v1/dossiers/{dossier.pk}/").json()["age_days"] == 0
    with time_machine.travel(at("2026-12-08", 0), tick=False):  # just after midnight: one day
        assert api_as(caseworker).get(f"/api/v1/dossiers/{dossier.pk}/").json()["age_days"] == 1


def test_the_board_filters_by_the_same_age(client_as, caseworker, old_dossier):
    with time_machine.travel(at("2026-12-07", 15), tick=False):
        over_a_year = client_as(caseworker).get("/dossiers/?age=365").content.decode()
    assert old_dossier.case.number in over_a_year
