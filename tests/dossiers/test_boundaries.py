"""What the dossiers guard at their edges: measure clocks belong to the dossier, not to the case's workflow; approvals
need the dossier in sight; a resolved case leaves the board; the county admin's thresholds apply to measures set
today; points are awarded once."""

from datetime import timedelta

import pytest
from django.utils import timezone

import workflow
from deadlines import services as clocks
from deadlines.models import Deadline
from dossiers import services as ds
from dossiers.models import Claim, Listing
from scoring.models import PointEntry
from scoring.services import points_award
from tests.factories import make_person, set_milestone
from xinfang.errors import Conflict, NotFound

from .conftest import ready


def running(measure):
    return Deadline.objects.get(pk=measure.deadline_id)


def test_closing_or_suspending_the_case_leaves_the_measure_clock_running(dossier, caseworker, leader, unit_officer,
                                                                        county):
    measure = ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=20))
    case = dossier.case
    case.refresh_from_db()  # the owner was set: a new version
    case = workflow.case_accept(actor=caseworker, case=case, version=case.version)
    case = workflow.case_assign(actor=caseworker, case=case, version=case.version, lead_unit=county.housing)
    suspension = clocks.suspension_request(actor=unit_officer, case=case, reason="等待司法鉴定")
    clocks.suspension_decide(actor=leader, suspension=suspension, approve=True)
    assert running(measure).suspended_since is None

    case.refresh_from_db()
    case = workflow.case_meet(actor=unit_officer, case=case, version=case.version)
    case = workflow.case_reply(actor=unit_officer, case=case, version=case.version, text="答复")
    case = workflow.case_evaluate(actor=caseworker, case=case, version=case.version, result="satisfied", method="phone")
    workflow.case_close(actor=caseworker, case=case, version=case.version)

    clock = running(measure)
    assert (clock.stopped_at, clock.met_at, clock.unit) == (None, None, unit_officer.unit)
    ds.measure_done(actor=unit_officer, measure=measure)
    assert running(measure).met_at is not None


def test_a_township_leader_cannot_approve_a_claim_on_a_dossier_out_of_sight(register, leader, county_admin, county):
    elsewhere = ds.dossier_designate(actor=leader, case=register(region=county.villages[2]), reason="跨镇积案")
    listing = ds.listing_publish(actor=county_admin, dossier=elsewhere)
    town_leader = make_person("town.head", county.township_government, ["leader"], leader_level=4)
    clerk = make_person("town.clerk", county.township_government, ["caseworker"])
    claim = ds.claim_submit(actor=clerk, listing=listing, kind="self", statement="我来")

    with pytest.raises(NotFound):
        ds.claim_decide(actor=town_leader, claim=claim, approve=True)
    assert Claim.objects.get(pk=claim.pk).status == "pending"


def test_a_resolved_case_leaves_the_board_and_takes_no_more_claims(dossier, caseworker, leader, unit_officer,
                                                                   county_admin, commissioner):
    measure = ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=5))
    ds.dossier_start(actor=caseworker, dossier=dossier)
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)
    waiting = ds.claim_submit(actor=commissioner, listing=listing, kind="self", statement="我来")
    ds.measure_done(actor=unit_officer, measure=measure)
    ds.sign_off(actor=caseworker, dossier=dossier, petitioner_stopped=True, note="验收")

    assert Listing.objects.get(pk=listing.pk).status == "withdrawn"
    assert Claim.objects.get(pk=waiting.pk).status == "rejected"
    with pytest.raises(Conflict):
        ds.claim_submit(actor=caseworker, listing=listing, kind="self", statement="再来")


def test_the_county_admins_measure_thresholds_apply_to_measures_set_today(dossier, caseworker, leader, unit_officer,
                                                                         county_admin, county):
    set_milestone(county_admin, county.region, "measure", {"warn_days": 5})
    measure = ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=30))
    assert running(measure).milestone.warn_days == 5


def test_points_for_one_listing_are_written_once(dossier, commissioner, county_admin):
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)
    first = points_award(user=commissioner, points=10, rule="listing_finished", reason="x", source=listing)
    again = points_award(user=commissioner, points=10, rule="listing_finished", reason="x", source=listing)
    assert first.pk == again.pk and PointEntry.objects.count() == 1
