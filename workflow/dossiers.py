"""Steps of the dossiers app that write points."""

from django.db import transaction
from django.utils.translation import gettext as _

from cases.services import timeline_event
from dossiers import services as dossiers
from dossiers.models import Dossier
from scoring import services as scoring
from scoring.choices import PointEvent
from xinfang.org.models import User


@transaction.atomic
def dossier_close(*, actor: User, dossier: Dossier, note: str = "") -> Dossier:
    """销号: the dossier closes; a claimed 揭榜挂帅 listing finishes with it and its claimant earns the listing's
    points; the task force's head (else the owning leader) earns the resolution's."""
    dossier, claim = dossiers.dossier_close(actor=actor, dossier=dossier, note=note)
    case = dossier.case
    if claim is not None:
        listing = claim.listing
        scoring.points_award(user=claim.claimant, points=listing.points, rule="listing_finished", source=listing,
                             case=case, actor=actor, reason=_("揭榜挂帅完成：%(number)s") % {"number": case.number})
        timeline_event(case, actor, "listing_done", _("揭榜挂帅完成，%(name)s记%(points)s分。") % {
            "name": claim.claimant.display_name, "points": listing.points})
    scoring.points_on(event=PointEvent.BACKLOG_RESOLVED, case=case, source=dossier, actor=actor,
                      users=[dossiers.resolution_credit(dossier, actor)])
    return dossier
