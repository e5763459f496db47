"""Personal-data keys: a new encryption key is put first and the old ones still open what they locked; rotate_keys
locks everything with the new one, so the old can go; the look-up hashes have their own key, and a value no key
opens is logged, not shown as a silent question mark."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Petitioner
from cases.selectors import petitioner_history
from tests.cases.conftest import ID_WANG
from xinfang import personal_data

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    settings.LOOKUP_HASH_KEY = "the look-up key of the county"
    return settings


def test_a_new_key_first_still_opens_the_old_and_rotate_keys_moves_everything_to_it(keys, case, caseworker):
    petitioner = Petitioner.objects.get()
    locked_with_old = petitioner.id_number
    assert petitioner.id_number_plain == ID_WANG

    keys.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert Petitioner.objects.get().id_number_plain == ID_WANG  # the old key still opens it
    call_command("rotate_keys", batch_size=1)

    keys.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key is dropped
    rotated = Petitioner.objects.get()
    assert rotated.id_number != locked_with_old
    assert (rotated.id_number_plain, rotated.phone_plain) == (ID_WANG, "13805561234")
    assert [c.pk for c in petitioner_history(user=caseworker, id_number=ID_WANG)] == [case.pk]


def test_rotating_the_encryption_keys_leaves_the_look_ups_alone(keys, case, caseworker):
    keys.FIELD_ENCRYPTION_KEYS = [NEW, OLD]

    assert [c.pk for c in petitioner_history(user=caseworker, id_number=ID_WANG)] == [case.pk]


def test_a_new_look_up_key_takes_effect_once_the_hashes_are_computed_again(keys, case, caseworker):
    keys.LOOKUP_HASH_KEY = "a new look-up key"
    assert list(petitioner_history(user=caseworker, id_number=ID_WANG)) == []

    call_command("rotate_keys")

    assert [c.pk for c in petitioner_history(user=caseworker, id_number=ID_WANG)] == [case.pk]


def test_a_value_no_key_opens_is_logged_and_rotate_keys_says_which(keys, case, caplog):
    keys.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key lost

    with caplog.at_level(logging.ERROR):
        shown = Petitioner.objects.get().id_number_plain
        with pytest.raises(CommandError, match="1 petitioners"):
            call_command("rotate_keys")

    assert shown == "?"
    assert "no encryption key opens a value" in caplog.text
    assert f"petitioner {case.lead_petitioner_id}" in caplog.text
    assert personal_data.decrypt(Petitioner.objects.get().id_number) == "?"  # left as it was
