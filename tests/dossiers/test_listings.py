"""揭榜挂帅: a county admin publishes a hard case, a cadre claims it, a leader approves, and finishing it earns the
claimant points on the ledger."""

from datetime import timedelta

import pytest
from django.utils import timezone

import workflow
from dossiers import services as ds
from dossiers.models import Claim, Listing
from scoring.models import PointEntry
from xinfang.errors import Conflict, NotPermitted, ValidationFailed
from xinfang.rules.services import rules_save

from .conftest import ready


def test_a_claim_from_publication_to_points(dossier, county_admin, commissioner, leader, caseworker, unit_officer,
                                            county):
    measure = ready(dossier, caseworker, leader, unit_officer, timezone.localdate() + timedelta(days=5))
    ds.dossier_start(actor=caseworker, dossier=dossier)

    listing = ds.listing_publish(actor=county_admin, dossier=dossier, points=20, claim_days=60, note="欠薪积案")
    claim = ds.claim_submit(actor=commissioner, listing=listing, kind="recommended",
                            recommended_by=county.township_government, statement="一个月内化解")
    claim = ds.claim_decide(actor=leader, claim=claim, approve=True)
    assert (claim.status, claim.due_on) == ("approved", timezone.localdate() + timedelta(days=60))
    assert Listing.objects.get(pk=listing.pk).status == "claimed"
    assert dossier.members.get(user=commissioner).role == "head"

    ds.measure_done(actor=unit_officer, measure=measure)
    ds.sign_off(actor=caseworker, dossier=dossier, petitioner_stopped=True, note="验收通过")
    workflow.dossier_close(actor=leader, dossier=dossier)

    entry = PointEntry.objects.get(user=commissioner, rule="listing_finished")
    assert (entry.points, entry.case) == (20, dossier.case)
    assert Listing.objects.get(pk=listing.pk).status == "done"
    assert Claim.objects.get(pk=claim.pk).finished_at is not None


def test_approving_one_claim_lapses_the_others(dossier, county_admin, commissioner, caseworker, leader):
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)
    first = ds.claim_submit(actor=commissioner, listing=listing, kind="self", statement="我来")
    second = ds.claim_submit(actor=caseworker, listing=listing, kind="self", statement="我也来")
    ds.claim_decide(actor=leader, claim=first, approve=True)

    assert Claim.objects.get(pk=second.pk).status == "rejected"
    with pytest.raises(Conflict):
        ds.claim_submit(actor=caseworker, listing=listing, kind="self", statement="再来")


def test_the_county_sets_the_default_points_and_days(dossier, county_admin, county):
    rules_save(actor=county_admin, county=county.region, key="backlog", values={"claim_points": 15, "claim_days": 45},
               reason="揭榜挂帅实施办法修订")
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)
    assert (listing.points, listing.claim_days) == (15, 45)


def test_only_a_county_admin_publishes_and_only_a_leader_approves(dossier, caseworker, county_admin, commissioner):
    with pytest.raises(NotPermitted):
        ds.listing_publish(actor=caseworker, dossier=dossier)
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)
    claim = ds.claim_submit(actor=commissioner, listing=listing, kind="self", statement="我来")
    with pytest.raises(NotPermitted):
        ds.claim_decide(actor=caseworker, claim=claim, approve=True)
    with pytest.raises(ValidationFailed):
        ds.claim_submit(actor=caseworker, listing=listing, kind="recommended", statement="推荐")
    assert Claim.objects.count() == 1


def test_a_dossier_is_on_the_board_once(dossier, county_admin):
    ds.listing_publish(actor=county_admin, dossier=dossier)
    with pytest.raises(Conflict):
        ds.listing_publish(actor=county_admin, dossier=dossier)


def test_a_township_commissioner_claims_a_listed_case_of_another_township(register, leader, county_admin,
                                                                         commissioner, county):
    elsewhere = register(region=county.villages[2])  # 河口镇; the commissioner works in 城关镇
    dossier = ds.dossier_designate(actor=leader, case=elsewhere, reason="跨镇疑难积案")
    listing = ds.listing_publish(actor=county_admin, dossier=dossier)

    claim = ds.claim_submit(actor=commissioner, listing=listing, kind="self", statement="我熟悉情况")
    ds.claim_decide(actor=leader, claim=claim, approve=True)

    from dossiers import selectors

    assert selectors.dossier_list(user=commissioner).filter(pk=dossier.pk).exists()  # heads its task force now
