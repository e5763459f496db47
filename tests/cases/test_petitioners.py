"""One person is one petitioner in a county, found by the keyed hash of their ID number; changes are audited."""

import pytest

from cases.models import Petitioner
from cases.services import PetitionerInput, petitioner_upsert
from tests.cases.conftest import ID_LI, ID_WANG
from xinfang import personal_data
from xinfang.org.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_same_id_number_finds_the_same_petitioner(caseworker, county):
    first = petitioner_upsert(actor=caseworker, county=county.region,
                              data=PetitionerInput(name="李秀英", id_number=ID_LI))
    again = petitioner_upsert(actor=caseworker, county=county.region,
                              data=PetitionerInput(name="李秀英", id_number=ID_LI.lower(), phone="13905560001"))

    assert again.pk == first.pk
    assert Petitioner.objects.count() == 1
    assert again.id_masked == "340822********000X"


def test_a_changed_phone_is_audited_with_before_and_after_masked(caseworker, county):
    petitioner_upsert(actor=caseworker, county=county.region,
                      data=PetitionerInput(name="王建国", id_number=ID_WANG, phone="13805561234"))

    petitioner_upsert(actor=caseworker, county=county.region,
                      data=PetitionerInput(name="王建国", id_number=ID_WANG, phone="13905569999"))

    event = AuditEvent.objects.get(action="petitioner.update")
    assert event.actor == caseworker
    assert event.changes == {"phone": ["138****1234", "139****9999"]}


def test_masks_keep_the_region_and_the_last_four():
    assert personal_data.mask_id_number(ID_WANG) == "340822********7718"
    assert personal_data.mask_phone("13805561234") == "138****1234"


def test_a_fixed_line_phone_with_area_code_is_accepted():
    assert personal_data.normalize_phone("0556-5551234") == "05565551234"
