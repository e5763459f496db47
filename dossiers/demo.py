"""The demo county's backlog (seed_demo): a dozen dossiers at every stage, from every source, with owners, task
forces, plans and measures, a joint review, a closed one whose 揭榜挂帅 claim earned points, and an open board.
Written through the services. Runs once per county."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

import workflow
from cases.choices import OPEN_STATUSES
from cases.models import Case
from xinfang.org.models import Region, User
from xinfang.rules import selectors as rules_selectors
from xinfang.rules import services as rules_services

from . import services as ds
from .models import Dossier
from .rules import BACKLOG_RULES

PLAN = ("一、包案领导牵头，专班逐户走访核实；二、相关部门依法依规提出处理意见；三、对确有困难的落实帮扶救助；"
        "四、做好法治宣传和思想疏导，推动息诉罢访。")


@transaction.atomic
def seed_dossiers(*, county: Region, seed: int) -> None:
    if Dossier.objects.filter(case__county=county).exists():
        return
    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.filter(username__in=[
        "caseworker", "caseworker2", "admin", "leader", "magistrate", "secretary", "cadre", "commissioner02",
        "officer"])}
    clerk, admin = users["caseworker"], users["admin"]
    if not rules_selectors.latest_version(county, BACKLOG_RULES.key):
        rules_services.rules_save(actor=admin, county=county, key=BACKLOG_RULES.key, values={
            "dual_owner_sources": ["city"]}, reason="县信访联席会议决定：市信联办交办的积案实行双包案")
    leaders = [users["magistrate"], users["secretary"], users["leader"]]
    candidates = Case.objects.filter(county=county, status__in=OPEN_STATUSES, dossier__isnull=True,
                                     owner__isnull=True).order_by("received_at")
    above = list(candidates.exclude(upper_source="")[:3])
    others = list(candidates.filter(upper_source="")[:8])
    dossiers = [ds.dossier_from_above(actor=clerk, case=case) for case in above]
    dossiers += [ds.dossier_designate(actor=rng.choice(leaders), case=case,
                                      reason="多年反复信访，涉及多个部门，需领导包案化解") for case in others[:8]]
    today = timezone.localdate()
    members = [users["officer"], users["cadre"], users["commissioner02"]]
    for i, dossier in enumerate(dossiers):
        primary = leaders[i % len(leaders)]
        second = leaders[(i + 1) % len(leaders)] if ds.dual_owners_required(dossier) else None
        ds.owners_set(actor=clerk, dossier=dossier, primary=primary, second=second)
        if i % 4 == 3:
            continue  # still being set up (建档)
        for member in members[: 1 + i % 3]:
            ds.member_add(actor=clerk, dossier=dossier, user=member,
                          role="head" if member == members[0] else "member")
        ds.plan_update(actor=clerk, dossier=dossier, plan=PLAN, facts="查清历史成因和政策依据",
                       difficulty="协调落实合理诉求和困难帮扶", persuasion="包案领导和专班共同做好疏导")
        measures = [ds.measure_add(actor=clerk, dossier=dossier, owner=rng.choice(members), action=action,
                                   due_on=today + timedelta(days=rng.randint(3, 40)))
                    for action in ("入户核实诉求和家庭情况", "召开部门协调会提出处理意见", "落实帮扶并做好思想疏导")]
        ds.dossier_start(actor=clerk, dossier=dossier)
        ds.progress_update(actor=clerk, dossier=dossier, progress=rng.choice([20, 40, 60]),
                           note="逐件过堂，按方案推进")
        if i == 1:
            escalation = ds.escalation_request(actor=clerk, dossier=dossier,
                                               reason="涉及跨部门政策口径，提请市级会审")
            ds.escalation_record(actor=clerk, escalation=escalation,
                                 outcome="明确由县人社局牵头，按政策一次性解决")
        if i in (2, 5):
            for measure in measures:
                ds.measure_done(actor=measure.owner, measure=measure, note="已完成")
            if i == 5:
                listing = ds.listing_publish(actor=admin, dossier=dossier, note="疑难积案，欢迎揭榜")
                claim = ds.claim_submit(actor=users["caseworker2"], listing=listing, kind="self",
                                        statement="一个月内化解")
                ds.claim_decide(actor=leaders[1], claim=claim, approve=True)
            ds.sign_off(actor=clerk, dossier=dossier, petitioner_stopped=True, note="经督导验收，信访人息诉罢访",
                        agreement="签订化解协议书")
            if i == 5:
                workflow.dossier_close(actor=dossier.owners.get(role="primary").user, dossier=dossier, note="同意销号")
    for dossier in dossiers[6:8]:
        ds.listing_publish(actor=admin, dossier=dossier, note="揭榜挂帅：限期化解")
